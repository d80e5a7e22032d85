"""What can go wrong talking to a LiquidFiles server, in words a user understands.

Messages never contain the API key: they come from the server's ``errors`` list or from the cause.
"""


class ApiError(Exception):
    """Anything that kept a request from succeeding."""

    #: Worth sending the same request again after a pause.
    retryable = False

    def __init__(self, message: str, *, status: int | None = None, errors: list[str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.errors = errors or []

    def __str__(self) -> str:
        return self.message


class NetworkError(ApiError):
    """The request did not get an answer: ``kind`` is unreachable, tls, timeout or dropped."""

    retryable = True

    def __init__(self, message: str, *, kind: str) -> None:
        super().__init__(message)
        self.kind = kind


class CertificateError(NetworkError):
    """The server's certificate is not trusted: retrying will not help, trusting its CA will."""

    retryable = False

    def __init__(self, message: str) -> None:
        super().__init__(message, kind="tls")


class ProtocolError(ApiError):
    """The answer is not what a LiquidFiles server sends (not JSON, wrong shape, a missing id)."""


class HttpStatusError(ApiError):
    """The server answered with an error status."""


class AuthError(HttpStatusError):
    """401: the API key (or password) is wrong or no longer valid."""


class Forbidden(HttpStatusError):
    """403: this account may not do that (for example admin functions)."""


class NotFound(HttpStatusError):
    """404: no such message, link, attachment or filedrop (or not visible to this account)."""


class Gone(NotFound):
    """410: it existed but expired, or a one-time download URL was used."""


class Conflict(HttpStatusError):
    """409: the server is busy with the same thing (a piece already being received)."""

    retryable = True


class Rejected(HttpStatusError):
    """422 (and 413): the server refused the request; ``errors`` holds its reasons."""


class RateLimited(HttpStatusError):
    """429: slow down; ``retry_after`` seconds when the server said."""

    retryable = True

    def __init__(self, message: str, *, retry_after: float | None) -> None:
        super().__init__(message, status=429)
        self.retry_after = retry_after


class ServerError(HttpStatusError):
    """5xx: the server failed; often passing."""

    retryable = True


def causes(error: BaseException) -> list[BaseException]:
    """The error and what led to it, nearest first: the OS's own reason (refused, no such name, an untrusted
    certificate) often sits further down the chain than the message of the error that was raised."""
    chain: list[BaseException] = []
    cause: BaseException | None = error
    while cause is not None and cause not in chain:
        chain.append(cause)
        cause = cause.__cause__ or cause.__context__
    return chain
