"""(being written)"""

from .protocol import Routes

routes = Routes()
