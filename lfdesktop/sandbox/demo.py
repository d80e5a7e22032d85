"""(being written)"""

from .state import SandboxState


async def seed(sandbox: SandboxState) -> list[str]:
    return []
