#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""The PyTorch peer of `make bench-train`: the training pass of a `simdgrad
train` net, timed the same way.

The same net and step: 784 -> hidden... -> 10 with sigmoid (or tanh, relu)
hidden layers, Xavier (or He) weights, zero biases, softmax + cross-entropy
averaged over the batch, plain SGD (simdgrad draws its weights from a
normal distribution, torch's initialisers here from a uniform one of the
same variance: the same scale, not the same numbers). The same data:
Fashion-MNIST's training images as pixels / 255, shuffled each epoch,
gathered into batches. The same clock: the seconds of an epoch's training
pass (shuffle, gather, forward, backward, update), without the test. On
--threads threads (torch.set_num_threads; 1 by default), as many as
simdgrad is given.

Prints one line per epoch, tab-separated: epoch, mean loss, seconds, and
the accuracy on the 10000 test images (measured after the clock stops).
Exits 3 with a message when torch is not importable, so that the caller
can skip it.
"""
import argparse
import gzip
import struct
import sys
import time


def read_idx(path, dims):
    """An IDX file (gzip or plain) as its raw bytes and shape; checks the header."""
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    magic, = struct.unpack(">I", data[:4])
    if magic != 0x800 + dims:
        sys.exit(f"train-torch: {path}: not an IDX file of {dims} dimensions (magic {magic:#x})")
    shape = struct.unpack(">" + "I" * dims, data[4:4 + 4 * dims])
    body = data[4 + 4 * dims:]
    count = 1
    for d in shape:
        count *= d
    if len(body) != count:
        sys.exit(f"train-torch: {path}: {len(body)} bytes of data for a {shape} array")
    return body, shape


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    p.add_argument("--hidden", default="100", help="hidden widths, e.g. 100 or 256,128")
    p.add_argument("--init", choices=["xavier", "he"], default="xavier")
    p.add_argument("--act", choices=["sigmoid", "tanh", "relu"], default="sigmoid")
    p.add_argument("--epochs", type=int, default=1)
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--lr", type=float, default=0.1)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--limit", type=int, default=0, help="use the first N training images")
    p.add_argument("--threads", type=int, default=1, help="torch.set_num_threads")
    a = p.parse_args()
    try:
        hidden = [int(w) for w in a.hidden.split(",")]
    except ValueError:
        hidden = [0]
    if min(hidden) < 1 or a.epochs < 1 or a.batch < 1 or a.limit < 0:
        sys.exit("train-torch: --hidden, --epochs and --batch must be positive, --limit not negative")
    try:
        import torch
    except ImportError:
        print("train-torch: PyTorch is not installed (Debian: python3-torch)", file=sys.stderr)
        sys.exit(3)

    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    images, ishape = read_idx(f"{a.data}/train-images-idx3-ubyte.gz", 3)
    labels, lshape = read_idx(f"{a.data}/train-labels-idx1-ubyte.gz", 1)
    if ishape[1:] != (28, 28) or lshape[0] != ishape[0]:
        sys.exit(f"train-torch: images {ishape} and labels {lshape} do not match")
    n = ishape[0] if a.limit == 0 else min(a.limit, ishape[0])
    x = torch.frombuffer(bytearray(images), dtype=torch.uint8)[: n * 784].view(n, 784).float() / 255.0
    y = torch.frombuffer(bytearray(labels), dtype=torch.uint8)[:n].long()
    timages, tishape = read_idx(f"{a.data}/t10k-images-idx3-ubyte.gz", 3)
    tlabels, _ = read_idx(f"{a.data}/t10k-labels-idx1-ubyte.gz", 1)
    tn = tishape[0]
    tx = torch.frombuffer(bytearray(timages), dtype=torch.uint8).view(tn, 784).float() / 255.0
    ty = torch.frombuffer(bytearray(tlabels), dtype=torch.uint8)[:tn].long()

    act = {"sigmoid": torch.nn.Sigmoid, "tanh": torch.nn.Tanh, "relu": torch.nn.ReLU}[a.act]
    widths = [784] + hidden + [10]
    layers = []
    for i in range(len(widths) - 1):
        linear = torch.nn.Linear(widths[i], widths[i + 1])
        if a.init == "he":
            torch.nn.init.kaiming_uniform_(linear.weight, nonlinearity="relu")
        else:
            torch.nn.init.xavier_uniform_(linear.weight)
        torch.nn.init.zeros_(linear.bias)
        layers += [linear, act()] if i + 2 < len(widths) else [linear]
    net = torch.nn.Sequential(*layers)
    loss_fn = torch.nn.CrossEntropyLoss()
    opt = torch.optim.SGD(net.parameters(), lr=a.lr)

    print(f"train-torch: torch {torch.__version__}, {torch.get_num_threads()} thread(s), "
          f"{'-'.join(map(str, widths))} {a.act}, batch {a.batch}, lr {a.lr}, {n} images", file=sys.stderr)
    print("epoch\ttrain_loss\tseconds\ttest_accuracy")
    for e in range(1, a.epochs + 1):
        t0 = time.perf_counter()
        order = torch.randperm(n)
        loss_sum, batches = 0.0, 0
        for first in range(0, n, a.batch):
            idx = order[first:first + a.batch]
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(net(x[idx]), y[idx])
            loss.backward()
            opt.step()
            loss_sum += loss.item()
            batches += 1
        seconds = time.perf_counter() - t0
        with torch.no_grad():
            accuracy = (net(tx).argmax(dim=1) == ty).float().mean().item()
        print(f"{e}\t{loss_sum / batches:.6f}\t{seconds:.3f}\t{accuracy:.4f}", flush=True)


if __name__ == "__main__":
    main()
