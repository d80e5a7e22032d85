"""Failures a handler raises; the error middleware turns each into ``{"errors": [...]}``."""


class ApiFailure(Exception):
    status = 422

    def __init__(self, *messages: str) -> None:
        super().__init__(*messages)
        self.messages = list(messages)


class Rejected(ApiFailure):
    status = 422


class NotFound(ApiFailure):
    status = 404


class Unauthorized(ApiFailure):
    status = 401


class Forbidden(ApiFailure):
    status = 403


class Conflict(ApiFailure):
    status = 409


class Gone(ApiFailure):
    status = 410


class TooLarge(ApiFailure):
    status = 413


class NotAcceptable(ApiFailure):
    status = 406
