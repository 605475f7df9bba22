"""FaceNative: face detection, embedding, verification and analysis (ctypes binding).

    import facenative
    with facenative.Engine() as engine:
        result = engine.verify("a.jpg", "b.jpg")
        print(result.verified, result.distance)
"""

from ._native import FACE_ABI_VERSION
from .engine import (
    Embedding,
    Engine,
    EngineInfo,
    Face,
    FaceAnalysis,
    VerifyResult,
    live_handles,
    set_log_callback,
    version,
)
from .errors import (
    AbiVersionError,
    BufferTooSmallError,
    DecodeError,
    FaceError,
    InternalError,
    InvalidArgumentError,
    LibraryNotFoundError,
    ModelError,
    NoAttributeModelError,
    NoFaceError,
    NoLivenessModelError,
    TooLargeError,
)

__version__ = "0.1.0"

__all__ = [
    "FACE_ABI_VERSION",
    "AbiVersionError",
    "BufferTooSmallError",
    "DecodeError",
    "Embedding",
    "Engine",
    "EngineInfo",
    "Face",
    "FaceAnalysis",
    "FaceError",
    "InternalError",
    "InvalidArgumentError",
    "LibraryNotFoundError",
    "ModelError",
    "NoAttributeModelError",
    "NoFaceError",
    "NoLivenessModelError",
    "TooLargeError",
    "VerifyResult",
    "live_handles",
    "set_log_callback",
    "version",
]
