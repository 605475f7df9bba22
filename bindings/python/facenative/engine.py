"""The idiomatic layer: Engine, result dataclasses, images in, exceptions out.

With numpy installed, embeddings, boxes and landmarks come back as numpy arrays; without
it, as lists and tuples.
"""

import ctypes
import os
import threading
from dataclasses import dataclass
from typing import Any, List, Optional

from . import _native as n
from .errors import InvalidArgumentError, error_for

try:
    import numpy as np
except ImportError:  # numpy is optional
    np = None

_PIXEL_FORMATS = {
    "bgr": n.FACE_PIXEL_BGR24,
    "rgb": n.FACE_PIXEL_RGB24,
    "rgba": n.FACE_PIXEL_RGBA32,
    "bgra": n.FACE_PIXEL_BGRA32,
    "gray": n.FACE_PIXEL_GRAY8,
}
_CHANNELS = {"bgr": 3, "rgb": 3, "rgba": 4, "bgra": 4, "gray": 1}


@dataclass(frozen=True)
class Face:
    """A detected face. box is (x1, y1, x2, y2) in image pixels; landmarks are 5 (x, y)
    points: left eye, right eye, nose tip, left and right mouth corner (image terms)."""

    box: Any
    score: float
    landmarks: Any


@dataclass(frozen=True)
class Embedding:
    """An L2-normalised embedding of the image's selected face."""

    vector: Any
    face: Face


@dataclass(frozen=True)
class VerifyResult:
    verified: bool
    distance: float
    threshold: float
    confidence: float
    box1: Any
    box2: Any
    processing_time_ms: float
    #: Set only when anti_spoofing was asked for.
    is_real1: Optional[bool] = None
    is_real2: Optional[bool] = None
    real_score1: Optional[float] = None
    real_score2: Optional[float] = None


@dataclass(frozen=True)
class FaceAnalysis:
    face: Face
    #: Set when an age/gender model is loaded (and attributes were not turned off).
    age: Optional[float] = None
    male_probability: Optional[float] = None
    is_male: Optional[bool] = None
    #: Set when anti_spoofing was asked for.
    is_real: Optional[bool] = None
    real_score: Optional[float] = None


@dataclass(frozen=True)
class EngineInfo:
    embedding_dim: int
    verify_threshold: float
    has_liveness: bool
    has_attributes: bool
    detector_size: tuple
    recognizer: str
    detector: str
    pack: str


def _check(lib, status):
    # Read on the same OS thread right after the call: the message is thread-local.
    if status != n.FACE_OK:
        message = lib.face_last_error().decode("utf-8", "replace")
        raise error_for(status, message)


def _box(b):
    values = (b.x1, b.y1, b.x2, b.y2)
    return np.array(values, dtype=np.float32) if np is not None else values


def _face(d):
    points = [(p.x, p.y) for p in d.landmarks]
    if np is not None:
        points = np.array(points, dtype=np.float32)
    return Face(box=_box(d.box), score=float(d.score), landmarks=points)


class _Image:
    """A face_image plus whatever keeps its bytes alive for the duration of a call."""

    def __init__(self, image, pixel_format=None):
        self.keep = None
        self.struct = n.face_image()
        if isinstance(image, (str, os.PathLike)):
            with open(image, "rb") as f:
                image = f.read()
        if isinstance(image, (bytes, bytearray, memoryview)):
            self._encoded(bytes(image) if not isinstance(image, bytes) else image)
        elif np is not None and isinstance(image, np.ndarray):
            self._pixels(image, pixel_format)
        else:
            raise InvalidArgumentError(
                f"image must be a path, bytes or a numpy uint8 array, not {type(image).__name__}"
            )

    def _encoded(self, data):
        self.keep = data
        s = self.struct
        s.data = ctypes.cast(ctypes.c_char_p(data), ctypes.c_void_p) if data else None
        s.size = len(data)
        s.format = n.FACE_IMAGE_ENCODED

    def _pixels(self, array, pixel_format):
        if array.dtype != np.uint8:
            raise InvalidArgumentError(f"pixel array must be uint8, not {array.dtype}")
        if array.ndim == 2:
            array = array[:, :, None]
        if array.ndim != 3:
            raise InvalidArgumentError(
                f"pixel array must be HxW or HxWxC, not {array.shape}"
            )
        channels = array.shape[2]
        name = (
            pixel_format or {1: "gray", 3: "rgb", 4: "rgba"}.get(channels, "")
        ).lower()
        if name not in _PIXEL_FORMATS:
            raise InvalidArgumentError(
                f"pixel_format {pixel_format!r} is not one of {sorted(_PIXEL_FORMATS)}"
            )
        if _CHANNELS[name] != channels:
            raise InvalidArgumentError(
                f"pixel_format {name!r} needs {_CHANNELS[name]} channels, the array has {channels}"
            )
        # Rows may be padded (a crop of a larger array); pixels within a row may not.
        if (
            array.strides[1] != channels
            or array.strides[2] != 1
            or array.strides[0] <= 0
        ):
            array = np.ascontiguousarray(array)
        height, width = array.shape[:2]
        self.keep = array
        s = self.struct
        s.data = array.ctypes.data
        s.size = array.strides[0] * (height - 1) + width * channels if height else 0
        s.format = _PIXEL_FORMATS[name]
        s.width, s.height, s.stride = width, height, array.strides[0]


class Engine:
    """A loaded face engine. Thread-safe: one Engine may be used from many threads.

    ``Engine(config)`` takes the config text of face_load (see include/facenative.h), and/or
    keyword options that become its entries: ``Engine(pack="fast", threads=1)``.
    Use it as a context manager, or call ``close()`` (safe twice).
    """

    _DETECT_CAPACITY = 32

    def __init__(self, config=None, **options):
        self._lib = n.library()
        self._handle = None
        self._close_lock = threading.Lock()
        lines = [config] if config else []
        for key, value in options.items():
            if isinstance(value, bool):
                value = "true" if value else "false"
            lines.append(f"{key}: {value}")
        text = "\n".join(lines)
        handle = ctypes.c_void_p()
        _check(
            self._lib,
            self._lib.face_load(text.encode() if text else None, ctypes.byref(handle)),
        )
        self._handle = handle

    # ------------------------------------------------------------------ lifetime

    def close(self):
        """Frees the engine. Safe to call twice; later calls on the engine raise."""
        with self._close_lock:
            handle, self._handle = self._handle, None
        if handle is not None:
            self._lib.face_free(handle)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        # Backstop only: close() or a with-block frees deterministically.
        if getattr(self, "_handle", None) is not None:
            self.close()

    def _h(self):
        handle = self._handle
        if handle is None:
            raise InvalidArgumentError("engine is closed")
        return handle

    # ------------------------------------------------------------------ calls

    @property
    def info(self):
        info = n.face_engine_info()
        _check(self._lib, self._lib.face_engine_get_info(self._h(), ctypes.byref(info)))
        return EngineInfo(
            embedding_dim=info.embedding_dim,
            verify_threshold=info.verify_threshold,
            has_liveness=bool(info.has_liveness),
            has_attributes=bool(info.has_attributes),
            detector_size=(info.detector_width, info.detector_height),
            recognizer=info.recognizer.decode(),
            detector=info.detector.decode(),
            pack=info.pack.decode(),
        )

    def detect(self, image, pixel_format=None, threshold=0.0) -> List[Face]:
        """Every face, highest score first. threshold overrides the detector's when > 0."""
        img = _Image(image, pixel_format)
        capacity = self._DETECT_CAPACITY
        while True:
            faces = (n.face_detection * capacity)()
            count = ctypes.c_size_t()
            status = self._lib.face_detect(
                self._h(),
                ctypes.byref(img.struct),
                threshold,
                faces,
                capacity,
                ctypes.byref(count),
            )
            if status == n.FACE_E_BUFFER_TOO_SMALL:
                capacity = count.value
                continue
            _check(self._lib, status)
            return [_face(faces[i]) for i in range(count.value)]

    def embed(self, image, pixel_format=None) -> Embedding:
        """The selected face's embedding; NoFaceError when the image has no face."""
        img = _Image(image, pixel_format)
        capacity = 512
        while True:
            buffer = (ctypes.c_float * capacity)()
            dim = ctypes.c_size_t()
            face = n.face_detection()
            status = self._lib.face_embed(
                self._h(),
                ctypes.byref(img.struct),
                buffer,
                capacity,
                ctypes.byref(dim),
                ctypes.byref(face),
            )
            if status == n.FACE_E_BUFFER_TOO_SMALL:
                capacity = dim.value
                continue
            _check(self._lib, status)
            if np is not None:
                vector = np.frombuffer(buffer, dtype=np.float32, count=dim.value).copy()
            else:
                vector = list(buffer[: dim.value])
            return Embedding(vector=vector, face=_face(face))

    def verify(
        self, image1, image2, threshold=0.0, anti_spoofing=False, pixel_format=None
    ):
        """Compares the selected faces of two images; threshold 0 = the engine's default."""
        a = _Image(image1, pixel_format)
        b = _Image(image2, pixel_format)
        r = n.face_verify_result()
        flags = n.FACE_ANTI_SPOOFING if anti_spoofing else 0
        _check(
            self._lib,
            self._lib.face_verify(
                self._h(),
                ctypes.byref(a.struct),
                ctypes.byref(b.struct),
                threshold,
                flags,
                ctypes.byref(r),
            ),
        )
        return _verify_result(r)

    def verify_embeddings(self, embedding1, embedding2, threshold=0.0) -> VerifyResult:
        """Compares two stored embeddings (no image, no detection)."""
        v1, v2 = _floats(embedding1), _floats(embedding2)
        if len(v1) != len(v2):
            raise InvalidArgumentError(
                f"embeddings differ in length ({len(v1)} vs {len(v2)})"
            )
        r = n.face_verify_result()
        _check(
            self._lib,
            self._lib.face_verify_embeddings(
                self._h(), v1, v2, len(v1), threshold, ctypes.byref(r)
            ),
        )
        return _verify_result(r)

    def analyze(self, image, anti_spoofing=False, attributes=True, pixel_format=None):
        """Every face with age/gender (when loaded and attributes=True; attributes="required"
        raises NoAttributeModelError without a model) and liveness when asked."""
        img = _Image(image, pixel_format)
        flags = n.FACE_ANTI_SPOOFING if anti_spoofing else 0
        if attributes == "required":
            flags |= n.FACE_REQUIRE_ATTRIBUTES
        elif not attributes:
            flags |= n.FACE_NO_ATTRIBUTES
        out = ctypes.POINTER(n.face_analysis_result)()
        _check(
            self._lib,
            self._lib.face_analyze(
                self._h(), ctypes.byref(img.struct), flags, ctypes.byref(out)
            ),
        )
        try:
            result = []
            for i in range(out.contents.count):
                a = out.contents.faces[i]
                result.append(
                    FaceAnalysis(
                        face=_face(a.face),
                        age=float(a.age) if a.has_age_gender else None,
                        male_probability=float(a.male_probability)
                        if a.has_age_gender
                        else None,
                        is_male=bool(a.is_male) if a.has_age_gender else None,
                        is_real=bool(a.is_real) if a.has_liveness else None,
                        real_score=float(a.real_score) if a.has_liveness else None,
                    )
                )
            return result
        finally:
            self._lib.face_analysis_free(out)


def _floats(vector):
    if np is not None and isinstance(vector, np.ndarray):
        v = np.ascontiguousarray(vector, dtype=np.float32).ravel()
        return (ctypes.c_float * len(v)).from_buffer_copy(v.tobytes())
    values = list(vector)
    return (ctypes.c_float * len(values))(*values)


def _verify_result(r):
    live = bool(r.liveness_checked)
    return VerifyResult(
        verified=bool(r.verified),
        distance=float(r.distance),
        threshold=float(r.threshold),
        confidence=float(r.confidence),
        box1=_box(r.box1),
        box2=_box(r.box2),
        processing_time_ms=float(r.processing_time_ms),
        is_real1=bool(r.is_real1) if live else None,
        is_real2=bool(r.is_real2) if live else None,
        real_score1=float(r.real_score1) if live else None,
        real_score2=float(r.real_score2) if live else None,
    )


# Every callback ever installed stays referenced: C holds only its address, and a call already
# running when the callback is replaced may still deliver to the previous one.
_log_callbacks = []


def set_log_callback(callback, min_level=n.FACE_LOG_WARNING):
    """Installs ``callback(level: int, message: str)`` as the process-wide log sink; None
    removes it. The library is silent until one is installed."""
    lib = n.library()
    if callback is None:
        c_callback = n.face_log_fn()
    else:

        def forward(level, message, _user_data):
            try:
                callback(level, message.decode("utf-8", "replace"))
            except Exception:  # an exception must not unwind into C
                pass

        c_callback = n.face_log_fn(forward)
    _log_callbacks.append(c_callback)
    _check(lib, lib.face_set_log_callback(c_callback, min_level, None))


def version():
    """The library's version string."""
    return n.library().face_version_string().decode()


def live_handles():
    """Engines and analysis results alive in the library (for leak checks)."""
    return n.library().face_live_handles()
