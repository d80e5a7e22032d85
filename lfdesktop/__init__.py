"""lfdesktop: a desktop client for LiquidFiles secure file-transfer servers."""

__version__ = "0.1.0"
