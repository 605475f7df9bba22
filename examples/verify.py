"""Compares the faces in two photos through the Python binding (bindings/python).

    PYTHONPATH=bindings/python python3 examples/verify.py a.jpg b.jpg

Models come from $FACENATIVE_MODELS (or dist/models), the library from $FACENATIVE_LIB
(or dist/lib). Prints "distance=0.123456 verified=true"; on failure the message, and
exit 1.
"""

import sys

import facenative


def main(argv):
    if len(argv) != 3:
        print(f"usage: {argv[0]} IMAGE1 IMAGE2", file=sys.stderr)
        return 2

    try:
        with facenative.Engine(pack="default") as engine:
            r = engine.verify(argv[1], argv[2])  # paths, bytes or numpy arrays
    except (facenative.FaceError, OSError) as e:
        print(f"{type(e).__name__}: {e}", file=sys.stderr)
        return 1
    print(f"distance={r.distance:.6f} verified={'true' if r.verified else 'false'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
