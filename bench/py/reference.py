"""Reference figures from PyTorch on an NVIDIA GPU, for flopmeter's benchmarks.

Prints one JSON object. Timing by CUDA events over back-to-back iterations after
a warm-up, the way flopmeter times its own windows.

  copy N_BYTES           device-to-device copy bandwidth (bytes read + written)
  matmul N DTYPE [tf32]  torch.matmul on N x N (float32 with TF32 off unless 'tf32'; bfloat16; float16)
"""
import json
import sys

import torch


def timed(fn, min_seconds=2.0, warmup=5):
    for _ in range(warmup):
        fn()
    torch.cuda.synchronize()
    start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    iterations, elapsed = 0, 0.0
    batch = 1
    while elapsed < min_seconds:
        start.record()
        for _ in range(batch):
            fn()
        end.record()
        end.synchronize()
        elapsed += start.elapsed_time(end) / 1000.0
        iterations += batch
        batch = min(batch * 2, 1024)
    return elapsed / iterations


def copy_bandwidth(n_bytes):
    x = torch.rand(n_bytes // 4, dtype=torch.float32, device="cuda")
    y = torch.empty_like(x)
    seconds = timed(lambda: y.copy_(x))
    return {"bytesPerSecond": 2 * n_bytes / seconds, "seconds": seconds, "bytes": n_bytes}


def matmul(n, dtype, tf32):
    torch.backends.cuda.matmul.allow_tf32 = tf32
    torch.backends.cudnn.allow_tf32 = tf32
    t = {"float32": torch.float32, "bfloat16": torch.bfloat16, "float16": torch.float16}[dtype]
    a = torch.rand(n, n, dtype=t, device="cuda") - 0.5
    b = torch.rand(n, n, dtype=t, device="cuda") - 0.5
    c = torch.empty(n, n, dtype=t, device="cuda")
    seconds = timed(lambda: torch.matmul(a, b, out=c))
    return {"flopPerSecond": 2 * n**3 / seconds, "seconds": seconds, "n": n, "dtype": dtype, "tf32": tf32}


def main():
    if not torch.cuda.is_available():
        print(json.dumps({"error": "CUDA is not available to PyTorch"}))
        return 1
    what = sys.argv[1]
    if what == "copy":
        out = copy_bandwidth(int(sys.argv[2]))
    elif what == "matmul":
        out = matmul(int(sys.argv[2]), sys.argv[3], len(sys.argv) > 4 and sys.argv[4] == "tf32")
    else:
        raise SystemExit(f"unknown reference {what}")
    out["device"] = torch.cuda.get_device_name(0)
    out["torch"] = torch.__version__
    out["cuda"] = torch.version.cuda
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
