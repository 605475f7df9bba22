import os
import struct
import zlib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
FACES = Path(os.environ.get("FACENATIVE_FACES", REPO.parent / "shared" / "faces"))
os.environ.setdefault("FACENATIVE_MODELS", str(REPO.parent / "shared" / "models"))

PAIR_A = "id01/deepface_img1.jpg"
PAIR_B = "id01/deepface_img2.jpg"


def photo(name):
    path = FACES / name
    if not path.is_file():
        pytest.fail(
            f"test photo {path} is missing (set FACENATIVE_FACES to the photos folder)"
        )
    return path


@pytest.fixture(scope="session")
def engine():
    import facenative

    with facenative.Engine() as e:
        yield e


@pytest.fixture(scope="session")
def fast():
    import facenative

    with facenative.Engine(
        pack="fast", skip_optional=True, det_size=320, threads=1
    ) as e:
        yield e


def read_png_rgba(path):
    """8-bit RGB/RGBA, non-interlaced PNG -> (height, width, channels, bytes), stdlib only."""
    data = Path(path).read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat = 8, b""
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, color, _, _, interlace = struct.unpack(
                ">IIBBBBB", body
            )
            assert depth == 8 and color in (2, 6) and interlace == 0
            channels = 4 if color == 6 else 3
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw = zlib.decompress(idat)
    row = width * channels
    out = bytearray(row * height)
    for y in range(height):
        kind, line = raw[y * (row + 1)], raw[y * (row + 1) + 1 : (y + 1) * (row + 1)]
        prev = out[(y - 1) * row : y * row] if y else bytearray(row)
        cur = bytearray(row)
        for x in range(row):
            a = cur[x - channels] if x >= channels else 0
            b = prev[x]
            c = prev[x - channels] if x >= channels else 0
            if kind == 0:
                p = 0
            elif kind == 1:
                p = a
            elif kind == 2:
                p = b
            elif kind == 3:
                p = (a + b) // 2
            else:
                pa, pb, pc = abs(b - c), abs(a - c), abs(a + b - 2 * c)
                p = a if pa <= pb and pa <= pc else b if pb <= pc else c
            cur[x] = (line[x] + p) & 0xFF
        out[y * row : (y + 1) * row] = cur
    return height, width, channels, bytes(out)
