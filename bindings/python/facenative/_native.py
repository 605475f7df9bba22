"""Low level: the library loader and every C declaration of include/facenative.h.

Names follow the C header. Nothing here raises FaceError except the loader; the idiomatic
layer (engine.py) turns statuses into exceptions.
"""

import ctypes
import os
import threading
from ctypes import (
    CFUNCTYPE,
    POINTER,
    Structure,
    c_char_p,
    c_float,
    c_int,
    c_int32,
    c_int64,
    c_size_t,
    c_void_p,
)
from pathlib import Path

from .errors import AbiVersionError, LibraryNotFoundError

#: The FACE_ABI_VERSION this binding was written against.
FACE_ABI_VERSION = 1

FACE_OK = 0
FACE_E_INVALID_ARGUMENT = -1
FACE_E_DECODE = -2
FACE_E_NO_FACE = -3
FACE_E_MODEL = -4
FACE_E_NO_LIVENESS_MODEL = -5
FACE_E_NO_ATTRIBUTE_MODEL = -6
FACE_E_BUFFER_TOO_SMALL = -7
FACE_E_TOO_LARGE = -8
FACE_E_INTERNAL = -9

FACE_IMAGE_ENCODED = -1
FACE_PIXEL_BGR24 = 0
FACE_PIXEL_RGB24 = 1
FACE_PIXEL_RGBA32 = 2
FACE_PIXEL_GRAY8 = 3
FACE_PIXEL_BGRA32 = 4

FACE_ANTI_SPOOFING = 1
FACE_NO_ATTRIBUTES = 2
FACE_REQUIRE_ATTRIBUTES = 4

FACE_LOG_DEBUG = 0
FACE_LOG_INFO = 1
FACE_LOG_WARNING = 2
FACE_LOG_ERROR = 3

LIBRARY_NAME = "libfacenative.so"


class face_image(Structure):
    _fields_ = [
        ("data", c_void_p),
        ("size", c_size_t),
        ("format", c_int32),
        ("width", c_int32),
        ("height", c_int32),
        ("stride", c_int32),
    ]


class face_box(Structure):
    _fields_ = [("x1", c_float), ("y1", c_float), ("x2", c_float), ("y2", c_float)]


class face_point(Structure):
    _fields_ = [("x", c_float), ("y", c_float)]


class face_detection(Structure):
    _fields_ = [("box", face_box), ("score", c_float), ("landmarks", face_point * 5)]


class face_verify_result(Structure):
    _fields_ = [
        ("verified", c_int32),
        ("distance", c_float),
        ("threshold", c_float),
        ("confidence", c_float),
        ("box1", face_box),
        ("box2", face_box),
        ("processing_time_ms", c_float),
        ("liveness_checked", c_int32),
        ("is_real1", c_int32),
        ("is_real2", c_int32),
        ("real_score1", c_float),
        ("real_score2", c_float),
    ]


class face_analysis(Structure):
    _fields_ = [
        ("face", face_detection),
        ("has_age_gender", c_int32),
        ("age", c_float),
        ("male_probability", c_float),
        ("is_male", c_int32),
        ("has_liveness", c_int32),
        ("is_real", c_int32),
        ("real_score", c_float),
    ]


class face_analysis_result(Structure):
    _fields_ = [("count", c_size_t), ("faces", POINTER(face_analysis))]


class face_engine_info(Structure):
    _fields_ = [
        ("embedding_dim", c_int32),
        ("verify_threshold", c_float),
        ("has_liveness", c_int32),
        ("has_attributes", c_int32),
        ("detector_width", c_int32),
        ("detector_height", c_int32),
        ("recognizer", c_char_p),
        ("detector", c_char_p),
        ("pack", c_char_p),
    ]


# typedef void (*face_log_fn)(int level, const char *message, void *user_data);
face_log_fn = CFUNCTYPE(None, c_int, c_char_p, c_void_p)

# Each C function once, with its prototype above it.
_PROTOTYPES = {
    # int face_abi_version(void);
    "face_abi_version": (c_int, []),
    # const char *face_version_string(void);
    "face_version_string": (c_char_p, []),
    # const char *face_status_string(int status);
    "face_status_string": (c_char_p, [c_int]),
    # const char *face_last_error(void);
    "face_last_error": (c_char_p, []),
    # int face_set_log_callback(face_log_fn callback, int min_level, void *user_data);
    "face_set_log_callback": (c_int, [face_log_fn, c_int, c_void_p]),
    # int face_load(const char *config, face_engine **out);
    "face_load": (c_int, [c_char_p, POINTER(c_void_p)]),
    # void face_free(face_engine *engine);
    "face_free": (None, [c_void_p]),
    # int face_engine_get_info(const face_engine *engine, face_engine_info *out);
    "face_engine_get_info": (c_int, [c_void_p, POINTER(face_engine_info)]),
    # int face_detect(const face_engine *, const face_image *, float score_threshold,
    #                 face_detection *faces, size_t capacity, size_t *count);
    "face_detect": (
        c_int,
        [
            c_void_p,
            POINTER(face_image),
            c_float,
            POINTER(face_detection),
            c_size_t,
            POINTER(c_size_t),
        ],
    ),
    # int face_embed(const face_engine *, const face_image *, float *embedding,
    #                size_t capacity, size_t *dim, face_detection *face);
    "face_embed": (
        c_int,
        [
            c_void_p,
            POINTER(face_image),
            POINTER(c_float),
            c_size_t,
            POINTER(c_size_t),
            POINTER(face_detection),
        ],
    ),
    # int face_verify(const face_engine *, const face_image *image1, const face_image *image2,
    #                 float threshold, int flags, face_verify_result *out);
    "face_verify": (
        c_int,
        [
            c_void_p,
            POINTER(face_image),
            POINTER(face_image),
            c_float,
            c_int,
            POINTER(face_verify_result),
        ],
    ),
    # int face_verify_embeddings(const face_engine *, const float *embedding1,
    #                            const float *embedding2, size_t dim, float threshold,
    #                            face_verify_result *out);
    "face_verify_embeddings": (
        c_int,
        [
            c_void_p,
            POINTER(c_float),
            POINTER(c_float),
            c_size_t,
            c_float,
            POINTER(face_verify_result),
        ],
    ),
    # int face_analyze(const face_engine *, const face_image *, int flags,
    #                  face_analysis_result **out);
    "face_analyze": (
        c_int,
        [c_void_p, POINTER(face_image), c_int, POINTER(POINTER(face_analysis_result))],
    ),
    # void face_analysis_free(face_analysis_result *result);
    "face_analysis_free": (None, [POINTER(face_analysis_result)]),
    # int64_t face_live_handles(void);
    "face_live_handles": (c_int64, []),
}

_lock = threading.Lock()
_lib = None


def candidate_paths():
    """Where the library is looked for, in order."""
    paths = []
    override = os.environ.get("FACENATIVE_LIB")
    if override:
        p = Path(override)
        paths.append(p / LIBRARY_NAME if p.is_dir() else p)
    here = Path(__file__).resolve().parent
    paths.append(here / LIBRARY_NAME)
    # A source checkout: bindings/python/facenative -> <repo>/dist/lib.
    for parent in here.parents:
        candidate = parent / "dist" / "lib" / LIBRARY_NAME
        if candidate.is_file():
            paths.append(candidate)
            break
    paths.append(Path.cwd() / "dist" / "lib" / LIBRARY_NAME)
    seen, unique = set(), []
    for p in paths:
        if str(p) not in seen:
            seen.add(str(p))
            unique.append(p)
    return unique


def library():
    """The loaded, ABI-checked library (loaded once per process)."""
    global _lib
    with _lock:
        if _lib is not None:
            return _lib

        tried = []
        for path in candidate_paths():
            if not path.is_file():
                tried.append(f"{path} (not found)")
                continue
            try:
                lib = ctypes.CDLL(str(path))
            except OSError as e:
                tried.append(f"{path} ({e})")
                continue
            _declare(lib)
            version = lib.face_abi_version()
            if version != FACE_ABI_VERSION:
                raise AbiVersionError(
                    f"{path} has ABI version {version}, this binding needs {FACE_ABI_VERSION}"
                )
            _lib = lib
            return lib

        raise LibraryNotFoundError(
            f"cannot load {LIBRARY_NAME}; set FACENATIVE_LIB to its path. Tried: "
            + "; ".join(tried)
        )


def _declare(lib):
    for name, (restype, argtypes) in _PROTOTYPES.items():
        fn = getattr(lib, name)
        fn.restype = restype
        fn.argtypes = argtypes
