import ctypes
import json
import math
import os
import random
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pytest

import facenative
from facenative import _native, engine as engine_module

from conftest import FACES, PAIR_A, PAIR_B, REPO, photo, read_png_rgba


# ----------------------------------------------------------------------------- library


def test_library_abi_version_matches_binding():
    assert _native.library().face_abi_version() == facenative.FACE_ABI_VERSION
    assert "FaceNative" in facenative.version()


def test_loader_tries_env_override_first(monkeypatch, tmp_path):
    monkeypatch.setenv("FACENATIVE_LIB", str(tmp_path / "custom.so"))
    assert _native.candidate_paths()[0] == tmp_path / "custom.so"
    monkeypatch.setenv("FACENATIVE_LIB", str(tmp_path))
    assert _native.candidate_paths()[0] == tmp_path / "libfacenative.so"


def test_loader_error_when_nothing_found(monkeypatch, tmp_path):
    monkeypatch.setattr(_native, "_lib", None)
    monkeypatch.setattr(
        _native, "candidate_paths", lambda: [tmp_path / "libfacenative.so"]
    )
    with pytest.raises(facenative.LibraryNotFoundError) as e:
        _native.library()
    assert str(tmp_path / "libfacenative.so") in str(e.value)
    assert isinstance(e.value, OSError)


def test_loader_refuses_other_abi_version(monkeypatch):
    monkeypatch.setattr(_native, "_lib", None)
    monkeypatch.setattr(_native, "FACE_ABI_VERSION", 999)
    with pytest.raises(facenative.AbiVersionError):
        _native.library()


# ------------------------------------------------------------------------------ engine


def test_engine_info(engine, fast):
    info = engine.info
    assert info.embedding_dim == 512
    assert info.verify_threshold == pytest.approx(0.66)
    assert info.has_liveness and info.has_attributes
    assert info.recognizer == "w600k_mbf_uint8_dynamic" and info.pack == "default"
    assert fast.info.detector_size == (320, 320)
    assert not fast.info.has_liveness


def test_close_twice_and_use_after_close_raises():
    before = facenative.live_handles()
    e = facenative.Engine(pack="fast", skip_optional=True, det_size=320)
    assert facenative.live_handles() == before + 1
    e.close()
    e.close()
    assert facenative.live_handles() == before
    with pytest.raises(facenative.InvalidArgumentError):
        e.detect(photo(PAIR_A))


def test_context_manager_frees():
    before = facenative.live_handles()
    with facenative.Engine("pack: fast\nskip_optional: true\ndet_size: 320") as e:
        assert e.detect(photo(PAIR_A))
    assert facenative.live_handles() == before


def test_load_errors():
    with pytest.raises(facenative.InvalidArgumentError, match="bogus"):
        facenative.Engine(bogus=1)
    with pytest.raises(ValueError):
        facenative.Engine(threads=-1)
    with pytest.raises(facenative.ModelError, match="missing.onnx"):
        facenative.Engine(recognizer="/nonexistent/missing.onnx")


# ------------------------------------------------------------------------------ detect


def test_detect_path_bytes_and_group(engine):
    faces = engine.detect(photo(PAIR_A))
    assert len(faces) == 1
    f = faces[0]
    assert isinstance(f.box, np.ndarray) and f.box.shape == (4,)
    assert f.landmarks.shape == (5, 2)
    assert 0.5 < f.score <= 1
    same = engine.detect(photo(PAIR_A).read_bytes())
    assert np.array_equal(same[0].box, f.box)

    group = engine.detect(str(photo("groups/isf_t1.jpg")))
    assert len(group) == 6
    assert [g.score for g in group] == sorted((g.score for g in group), reverse=True)


def test_detect_more_faces_than_first_capacity(engine, monkeypatch):
    monkeypatch.setattr(facenative.Engine, "_DETECT_CAPACITY", 2)
    assert len(engine.detect(photo("groups/isf_t1.jpg"))) == 6


def test_numpy_pixel_formats_match_encoded(engine):
    png = photo("id12/agt_alex-lacamoire.png")
    h, w, c, data = read_png_rgba(png)
    rgba = np.frombuffer(data, dtype=np.uint8).reshape(h, w, c)
    want = engine.embed(png).vector

    rgb = rgba[:, :, :3]  # a strided view: rows padded, pixels not -> copied
    assert np.array_equal(engine.embed(rgba).vector, want)
    assert np.array_equal(engine.embed(np.ascontiguousarray(rgb)).vector, want)
    assert np.array_equal(engine.embed(rgb).vector, want)
    bgr = np.ascontiguousarray(rgb[:, :, ::-1])
    assert np.array_equal(engine.embed(bgr, pixel_format="bgr").vector, want)

    # Rows with padding: a column crop of a wider array keeps its stride.
    wide = np.zeros((h, w + 7, 3), dtype=np.uint8)
    wide[:, :w] = bgr
    assert np.array_equal(engine.embed(wide[:, :w], pixel_format="BGR").vector, want)

    gray = np.ascontiguousarray(rgba[:, :, 1])
    assert len(engine.detect(gray)) == 1


def test_numpy_bad_arrays(engine):
    with pytest.raises(facenative.InvalidArgumentError, match="uint8"):
        engine.detect(np.zeros((10, 10, 3), dtype=np.float32))
    with pytest.raises(facenative.InvalidArgumentError, match="channels"):
        engine.detect(np.zeros((10, 10, 3), dtype=np.uint8), pixel_format="rgba")
    with pytest.raises(facenative.InvalidArgumentError, match="pixel_format"):
        engine.detect(np.zeros((10, 10, 3), dtype=np.uint8), pixel_format="yuv")
    with pytest.raises(facenative.InvalidArgumentError):
        engine.detect(np.zeros((0, 10, 3), dtype=np.uint8))
    with pytest.raises(facenative.InvalidArgumentError, match="image must be"):
        engine.detect(12345)


def test_image_errors(engine):
    with pytest.raises(facenative.DecodeError):
        engine.detect(b"definitely not an image, only some bytes")
    with pytest.raises(facenative.InvalidArgumentError):
        engine.detect(b"")
    with pytest.raises(facenative.InvalidArgumentError):
        engine.detect(photo(PAIR_A), threshold=5.0)
    with pytest.raises(FileNotFoundError):
        engine.detect(FACES / "no_such_photo.jpg")


def test_hostile_files_give_typed_errors(fast):
    # A real PNG whose header claims 30000 x 30000: refused from the header.
    png = bytearray(photo("singles/agt_lin-manuel-miranda.png").read_bytes())
    png[16:24] = (30000).to_bytes(4, "big") * 2
    with pytest.raises(facenative.TooLargeError, match="30000x30000"):
        fast.detect(bytes(png))
    # A JPEG cut at every tenth: a result, DecodeError or NoFaceError, nothing else.
    jpeg = photo(PAIR_A).read_bytes()
    for tenth in range(1, 10):
        try:
            emb = fast.embed(jpeg[: len(jpeg) * tenth // 10])
            assert all(math.isfinite(v) for v in emb.vector)
        except (facenative.DecodeError, facenative.NoFaceError):
            pass
    with pytest.raises(facenative.DecodeError):
        fast.detect(bytes(random.Random(3).getrandbits(8) for _ in range(4096)))
    assert len(fast.detect(photo(PAIR_A))) >= 1


def test_too_large():
    with facenative.Engine(
        pack="fast", skip_optional=True, det_size=320, max_pixels=10000
    ) as e:
        with pytest.raises(facenative.TooLargeError):
            e.detect(photo(PAIR_A))


# ------------------------------------------------------------------------------- embed


def test_embed_is_unit_float32(engine):
    emb = engine.embed(photo(PAIR_A))
    assert emb.vector.dtype == np.float32 and emb.vector.shape == (512,)
    assert np.linalg.norm(emb.vector) == pytest.approx(1.0, abs=1e-4)
    assert emb.face.score > 0.5


def test_embed_without_numpy_returns_lists(engine, monkeypatch):
    monkeypatch.setattr(engine_module, "np", None)
    emb = engine.embed(photo(PAIR_A))
    assert isinstance(emb.vector, list) and len(emb.vector) == 512
    assert isinstance(emb.face.box, tuple) and len(emb.face.landmarks) == 5
    r = engine.verify_embeddings(emb.vector, emb.vector)
    assert r.distance == pytest.approx(0, abs=1e-6)


def test_whole_package_works_where_numpy_cannot_be_imported(tmp_path):
    # A fresh interpreter where "import numpy" fails: the package must still work.
    script = tmp_path / "no_numpy.py"
    script.write_text(
        "import sys\n"
        "sys.modules['numpy'] = None  # makes 'import numpy' raise ImportError\n"
        "import facenative\n"
        "with facenative.Engine(pack='fast', skip_optional=True, det_size=320) as e:\n"
        "    emb = e.embed(sys.argv[1])\n"
        "    r = e.verify(sys.argv[1], sys.argv[2])\n"
        "    faces = e.detect(sys.argv[1])\n"
        "assert type(emb.vector) is list and len(emb.vector) == 512\n"
        "assert type(faces[0].box) is tuple\n"
        "print(f'{r.distance:.6f}')\n"
    )
    env = dict(os.environ, PYTHONPATH=str(Path(facenative.__file__).parents[1]))
    run = subprocess.run(
        [sys.executable, str(script), str(photo(PAIR_A)), str(photo(PAIR_B))],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    assert 0 < float(run.stdout) < 0.66


def test_embed_no_face(engine):
    with pytest.raises(facenative.NoFaceError):
        engine.embed(np.full((200, 200, 3), 128, dtype=np.uint8))


# ------------------------------------------------------------------------------ verify


def test_verify_same_person(engine):
    r = engine.verify(photo(PAIR_A), photo(PAIR_B))
    assert r.verified and r.distance < r.threshold == pytest.approx(0.66)
    assert r.is_real1 is None
    assert r.box1[2] > r.box1[0]


def test_verify_distance_matches_cli(engine):
    cli = os.environ.get("FACENATIVE_CLI", str(REPO / "dist" / "bin" / "facenative"))
    if not os.path.exists(cli):
        pytest.fail(f"{cli} not built (run ./build.sh)")
    out = subprocess.run(
        [cli, "verify", photo(PAIR_A), photo(PAIR_B)],
        capture_output=True,
        text=True,
        check=True,
    )
    cli_distance = json.loads(out.stdout)["distance"]
    assert (
        abs(engine.verify(photo(PAIR_A), photo(PAIR_B)).distance - cli_distance) <= 1e-6
    )


def test_library_finds_models_beside_its_folder(tmp_path):
    # dist/lib/libfacenative.so looks in dist/models (linked by ./build.sh) when neither the
    # config nor $FACENATIVE_MODELS names a folder; run from elsewhere to rule out the cwd.
    if not (REPO / "dist" / "models").is_dir():
        pytest.fail(f"{REPO / 'dist' / 'models'} missing (run ./build.sh)")
    env = {k: v for k, v in os.environ.items() if k != "FACENATIVE_MODELS"}
    env["PYTHONPATH"] = str(REPO / "bindings" / "python")
    code = (
        "import facenative, sys\n"
        "with facenative.Engine(pack='fast', skip_optional=True) as e:\n"
        "    print(len(e.detect(sys.argv[1])))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(photo("groups/isf_t1.jpg"))],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stderr
    assert int(out.stdout) >= 5


def test_verify_different_people(engine):
    r = engine.verify(photo(PAIR_A), photo("id02/deepface_img3.jpg"))
    assert not r.verified and r.distance > r.threshold


def test_verify_embeddings_equals_verify(engine):
    a, b = engine.embed(photo(PAIR_A)), engine.embed(photo(PAIR_B))
    stored = engine.verify_embeddings(a.vector, b.vector)
    direct = engine.verify(photo(PAIR_A), photo(PAIR_B))
    assert stored.distance == direct.distance and stored.verified == direct.verified
    with pytest.raises(facenative.InvalidArgumentError):
        engine.verify_embeddings([1.0, 0.0], [1.0, 0.0, 0.0])
    with pytest.raises(facenative.InvalidArgumentError):
        engine.verify_embeddings([0.0, 0.0], [1.0, 0.0])


def test_verify_anti_spoofing(engine, fast):
    r = engine.verify(
        photo("antispoof/sf_image_T1.jpg"),
        photo("antispoof/sf_image_F1.jpg"),
        threshold=1.99,
        anti_spoofing=True,
    )
    assert r.is_real1 is True and r.is_real2 is False and not r.verified
    with pytest.raises(facenative.NoLivenessModelError):
        fast.verify(photo(PAIR_A), photo(PAIR_B), anti_spoofing=True)


def test_verify_no_face_names_image(engine):
    blank = np.full((200, 200, 3), 128, dtype=np.uint8)
    with pytest.raises(facenative.NoFaceError, match="image 2"):
        engine.verify(photo(PAIR_A), blank)


# ----------------------------------------------------------------------------- analyze


def test_analyze_group(engine):
    faces = engine.analyze(photo("groups/isf_t1.jpg"))
    assert len(faces) == 6
    for f in faces:
        assert 0 < f.age < 120 and 0 <= f.male_probability <= 1
        assert f.is_male == (f.male_probability >= 0.5)
        assert f.is_real is None


def test_analyze_flags_and_errors(engine, fast):
    live = engine.analyze(
        photo("antispoof/sf_image_T1.jpg"), anti_spoofing=True, attributes=False
    )
    assert len(live) == 1 and live[0].is_real is True and live[0].age is None
    assert fast.analyze(photo(PAIR_A))[0].age is None
    with pytest.raises(facenative.NoAttributeModelError):
        fast.analyze(photo(PAIR_A), attributes="required")
    with pytest.raises(facenative.NoLivenessModelError):
        fast.analyze(photo(PAIR_A), anti_spoofing=True)
    assert engine.analyze(np.full((100, 100, 3), 128, dtype=np.uint8)) == []


# ---------------------------------------------------------------------- threads, logging


def test_threads_match_serial(fast):
    names = [
        "id01/deepface_img5.jpg",
        "id02/deepface_img3.jpg",
        "id10/agt_obama_small.jpg",
    ]
    data = [photo(n).read_bytes() for n in names]
    serial = [fast.embed(d).vector for d in data]
    failures = []

    def work(t):
        for i in range(10):
            k = (t + i) % len(data)
            try:
                if not np.array_equal(fast.embed(data[k]).vector, serial[k]):
                    failures.append(f"thread {t} call {i}: differs")
            except facenative.FaceError as e:
                failures.append(f"thread {t} call {i}: {e}")

    threads = [threading.Thread(target=work, args=(t,)) for t in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []


def test_log_callback_receives_warning():
    messages = []
    facenative.set_log_callback(lambda level, msg: messages.append((level, msg)))
    try:
        fake = _native.face_analysis_result()
        _native.library().face_analysis_free(ctypes.byref(fake))
    finally:
        facenative.set_log_callback(None)
    assert len(messages) == 1 and messages[0][0] == 2
    assert "face_analysis_free" in messages[0][1]
    with pytest.raises(facenative.InvalidArgumentError):
        facenative.set_log_callback(print, min_level=7)
