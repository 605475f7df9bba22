"""Soak facenative-grpc: CALLS FaceVerify requests from CLIENTS threads, the server's
resident memory and open file descriptors sampled every 1000 calls.

Usage: soak_grpc.py SERVER_BINARY MODELS_DIR PHOTO_A PHOTO_B [CALLS] [CLIENTS]
Needs backend_pb2*.py (generated from src/FaceNative.Grpc/Protos/backend.proto) on PYTHONPATH.
Prints one line per sample and a final JSON summary; exits 1 if memory keeps growing.
"""

import base64
import json
import os
import socket
import subprocess
import sys
import threading
import time

import grpc

import backend_pb2 as pb
import backend_pb2_grpc as rpc


def rss_mib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def open_fds(pid):
    return len(os.listdir(f"/proc/{pid}/fd"))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    server, models, photo_a, photo_b = sys.argv[1:5]
    calls = int(sys.argv[5]) if len(sys.argv) > 5 else 20000
    clients = int(sys.argv[6]) if len(sys.argv) > 6 else 2
    port = free_port()
    proc = subprocess.Popen([server, "--addr", f"127.0.0.1:{port}"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        channel = grpc.insecure_channel(f"127.0.0.1:{port}")
        stub = rpc.BackendStub(channel)
        grpc.channel_ready_future(channel).result(timeout=30)
        # YuNet at 320 keeps detection cheap (the SCRFD exports here are fixed at 640): the run
        # is about leaks, not speed.
        loaded = stub.LoadModel(pb.ModelOptions(
            Model="face", ModelPath=models, Options=["pack:yunet", "det_size:320", "threads:1"]), timeout=120)
        if not loaded.success:
            sys.exit(f"LoadModel failed: {loaded.message}")

        with open(photo_a, "rb") as f:
            img1 = base64.b64encode(f.read()).decode()
        with open(photo_b, "rb") as f:
            img2 = base64.b64encode(f.read()).decode()
        request = pb.FaceVerifyRequest(img1=img1, img2=img2)

        done = 0
        errors = 0
        lock = threading.Lock()
        samples = []
        start = time.time()

        def worker(count):
            nonlocal done, errors
            for _ in range(count):
                try:
                    stub.FaceVerify(request, timeout=120)
                except grpc.RpcError:
                    with lock:
                        errors += 1
                with lock:
                    done += 1
                    if done % 1000 == 0:
                        sample = (done, rss_mib(proc.pid), open_fds(proc.pid), time.time() - start)
                        samples.append(sample)
                        print("calls %6d  rss %7.1f MiB  fds %4d  %6.0f s" % sample, flush=True)

        threads = [threading.Thread(target=worker, args=(calls // clients,)) for _ in range(clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()

        # Level: the last quarter of samples may not exceed the first post-warm-up sample
        # by more than 10 % + 20 MiB; descriptors must stay where they were.
        warm = samples[min(2, len(samples) - 1)][1] if samples else 0
        peak_late = max((s[1] for s in samples[len(samples) * 3 // 4:]), default=0)
        fds = [s[2] for s in samples]
        level = peak_late <= warm * 1.10 + 20
        summary = {
            "surface": "grpc", "calls": done, "errors": errors, "clients": clients,
            "rss_mib_after_warmup": round(warm, 1), "rss_mib_late_peak": round(peak_late, 1),
            "fds_min": min(fds, default=0), "fds_max": max(fds, default=0),
            "seconds": round(time.time() - start, 1), "levels_off": level,
        }
        print(json.dumps(summary))
        sys.exit(0 if level and errors == 0 and max(fds, default=0) - min(fds, default=0) <= 4 else 1)
    finally:
        proc.terminate()
        proc.wait(timeout=30)


if __name__ == "__main__":
    main()
