"""packaging/ is a folder of scripts, not a package: its modules are imported the way build.py finds them."""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGING = ROOT / "packaging"
INSTALLERS = ROOT / "installers"

if str(PACKAGING) not in sys.path:
    sys.path.insert(0, str(PACKAGING))
