"""When to send a failed piece again: exponential backoff with jitter, up to a limit.

What is worth retrying is the error's own ``retryable`` (a dropped connection, a timeout, a 5xx, a 429, a
409 while the server still receives the same piece); a 401, 403 or 422 ends the transfer at once.
"""

import random
from collections.abc import Callable
from dataclasses import dataclass, field

from lfdesktop.api.errors import ApiError, RateLimited


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 8  # in all, the first one included
    base_delay: float = 1.0
    max_delay: float = 60.0
    jitter: float = 0.5  # up to this share of the delay is added at random, so clients do not retry in step
    random: Callable[[], float] = field(default=random.random, compare=False)

    def should_retry(self, error: BaseException, attempt: int) -> bool:
        return isinstance(error, ApiError) and error.retryable and attempt < self.attempts

    def delay(self, error: BaseException, attempt: int) -> float:
        """Seconds to wait after failed attempt number ``attempt`` (1 for the first)."""
        if isinstance(error, RateLimited) and error.retry_after is not None:
            return error.retry_after  # the server said how long
        backoff = min(self.max_delay, self.base_delay * 2.0 ** (attempt - 1))
        return backoff * (1 + self.jitter * self.random())
