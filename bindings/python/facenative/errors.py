"""The FaceError hierarchy: one class per C status code."""


class FaceError(Exception):
    """A failed library call. ``status`` is the C status code (FACE_E_*)."""

    status = -9

    def __init__(self, message, status=None):
        super().__init__(message)
        if status is not None:
            self.status = status


class InvalidArgumentError(FaceError, ValueError):
    status = -1


class DecodeError(FaceError):
    status = -2


class NoFaceError(FaceError):
    status = -3


class ModelError(FaceError):
    status = -4


class NoLivenessModelError(FaceError):
    status = -5


class NoAttributeModelError(FaceError):
    status = -6


class BufferTooSmallError(FaceError):
    status = -7


class TooLargeError(FaceError):
    status = -8


class InternalError(FaceError):
    status = -9


class LibraryNotFoundError(FaceError, OSError):
    """libfacenative.so could not be loaded; the message names every path tried."""


class AbiVersionError(FaceError):
    """The library's face_abi_version() differs from the binding's FACE_ABI_VERSION."""


_BY_STATUS = {
    cls.status: cls
    for cls in (
        InvalidArgumentError,
        DecodeError,
        NoFaceError,
        ModelError,
        NoLivenessModelError,
        NoAttributeModelError,
        BufferTooSmallError,
        TooLargeError,
        InternalError,
    )
}


def error_for(status, message):
    """The exception for a non-zero status; unknown codes become InternalError."""
    cls = _BY_STATUS.get(status, InternalError)
    return cls(message or f"status {status}", status)
