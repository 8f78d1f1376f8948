#!/usr/bin/env python3
"""PyTorch CPU timings of the network bench/backend.ts times, for advgym/PyTorch ratios.

Net (Mnih et al. 2013 DQN): conv16 8x8/4 -> conv32 4x4/2 -> dense 256 -> 6, ReLU, NHWC input
(permuted to NCHW for torch). Prints one JSON object: {"torch": version, "threads": n,
"results": [{"size": 42|84, "forward_ms", "fgsm_ms", "train_ms"}]}.
Usage: /usr/bin/python3 bench/pytorch_reference.py [--threads 2] [--quick]
"""
import argparse
import json
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


def make_net(size):
    conv_out = ((size - 8) // 4 + 1 - 4) // 2 + 1
    return nn.Sequential(
        nn.Conv2d(4, 16, 8, 4), nn.ReLU(),
        nn.Conv2d(16, 32, 4, 2), nn.ReLU(),
        nn.Flatten(), nn.Linear(32 * conv_out * conv_out, 256), nn.ReLU(),
        nn.Linear(256, 6),
    )


def time_ms(fn, repeats, warmup=3):
    for _ in range(warmup):
        fn()
    start = time.perf_counter()
    for _ in range(repeats):
        fn()
    return (time.perf_counter() - start) * 1000 / repeats


def bench(size, quick):
    torch.manual_seed(0)
    net = make_net(size)
    optimizer = torch.optim.Adam(net.parameters(), lr=1e-4)
    # NHWC frames as advgym stores them, permuted to NCHW inside the timed work (as a user would).
    obs = torch.rand(1, size, size, 4)
    batch = torch.rand(32, size, size, 4)
    target = torch.rand(32, 6)
    label = torch.tensor([0])

    def forward():
        with torch.no_grad():
            net(obs.permute(0, 3, 1, 2)).numpy()

    def fgsm():
        x = obs.clone().requires_grad_(True)
        loss = F.cross_entropy(net(x.permute(0, 3, 1, 2)), label)
        grad, = torch.autograd.grad(loss, x)
        (x + (1 / 255) * grad.sign()).clamp(0, 1).detach().numpy()

    def train():
        optimizer.zero_grad()
        loss = F.smooth_l1_loss(net(batch.permute(0, 3, 1, 2)), target)  # Huber, delta 1
        loss.backward()
        optimizer.step()
        loss.item()

    n = 20 if quick else 100
    return {
        "size": size,
        "forward_ms": time_ms(forward, n * 2),
        "fgsm_ms": time_ms(fgsm, n),
        "train_ms": time_ms(train, max(5, n // 5)),
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    results = [bench(size, args.quick) for size in (42, 84)]
    print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads(), "results": results}))


if __name__ == "__main__":
    main()
