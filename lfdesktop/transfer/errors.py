"""What can go wrong moving a file, beyond what the server says (``lfdesktop.api.errors``)."""


class TransferError(Exception):
    """A transfer could not finish; the message is meant for the user."""


class FileChanged(TransferError):
    """The local file changed while it was being uploaded: what arrived would be neither version."""


class ChecksumMismatch(TransferError):
    """The bytes on one side are not the bytes on the other; the message names both values."""


class SaveError(TransferError):
    """A download could not be written (disk full, no permission, ...); nothing is left under its name."""


class Cancelled(TransferError):
    """Someone else cancelled the transfer this was waiting for (the user, in the transfer list)."""
