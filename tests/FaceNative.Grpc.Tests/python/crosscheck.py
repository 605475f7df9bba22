"""A LocalAI-style client in Python (grpcio) against facenative-grpc.

Usage: crosscheck.py ADDR PHOTO_A PHOTO_B  (stubs generated from backend.proto on PYTHONPATH)
Prints one JSON object with what the server answered; the C# test compares it with its own
client's answers.
"""

import base64
import json
import sys

import grpc

import backend_pb2 as pb
import backend_pb2_grpc as rpc


def b64(path):
    with open(path, "rb") as f:
        return base64.b64encode(f.read()).decode("ascii")


def main():
    addr, photo_a, photo_b = sys.argv[1:4]
    out = {}
    with grpc.insecure_channel(
        addr,
        options=[
            ("grpc.max_send_message_length", 50 * 1024 * 1024),
            ("grpc.max_receive_message_length", 50 * 1024 * 1024),
        ],
    ) as channel:
        stub = rpc.BackendStub(channel)
        out["health"] = stub.Health(pb.HealthMessage(), timeout=60).message.decode()
        out["state"] = pb.StatusResponse.State.Name(stub.Status(pb.HealthMessage(), timeout=60).state)

        emb = stub.Embedding(pb.PredictOptions(Images=[b64(photo_a)]), timeout=120)
        out["embedding"] = list(emb.embeddings)
        out["dim"] = emb.dim
        out["layout"] = pb.EmbeddingLayout.Name(emb.layout)

        det = stub.Detect(pb.DetectOptions(src=b64(photo_a)), timeout=120)
        out["detections"] = [[d.x, d.y, d.width, d.height, d.confidence, d.class_name] for d in det.Detections]

        ver = stub.FaceVerify(pb.FaceVerifyRequest(img1=b64(photo_a), img2=b64(photo_b)), timeout=120)
        out["verify"] = {"verified": ver.verified, "distance": ver.distance, "threshold": ver.threshold}

        try:
            stub.Embedding(pb.PredictOptions(), timeout=60)
            out["no_image"] = "OK"
        except grpc.RpcError as e:
            out["no_image"] = e.code().name

        try:
            stub.Detect(pb.DetectOptions(src=b64(photo_a), ModelIdentity="another-model"), timeout=60)
            out["identity"] = "OK"
        except grpc.RpcError as e:
            out["identity"] = e.code().name + ": " + e.details()
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
