"""``python -m lfdesktop``: the same as the ``lfdesktop`` command."""

import sys

from lfdesktop.cli.main import main

sys.exit(main())
