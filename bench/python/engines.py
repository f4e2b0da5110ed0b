"""The Python side of `pnpm bench -- --against keras,torch`.

One process per engine (`--engine keras` runs Keras 3 on JAX, `--engine torch` PyTorch), driven by
bench/src/python.ts over a line protocol: one JSON request per line on stdin, one JSON reply per
line on stdout (everything the libraries print goes to stderr). Each `run` times one unit of work
inside Python (perf_counter around it, results read back to the host: a loss value), so the pipe
costs nothing in the numbers; warm-up runs (XLA compilation, PyTorch's first allocations) are the
bench's to ask for and are never timed.

Requests:
  {"op": "info"}                                  -> {"engine", "version", "backend", "threads"}
  {"op": "setup", "case": C, "x": path, "y": path, "n": N, "batch": B}
                                                  -> {"ok": true} or {"unsupported": why}
  {"op": "run"}                                   -> {"ms": milliseconds}
  {"op": "dispose"}                               -> {"ok": true}
C is one of mlp-step, mlp-epoch, cnn-step, lstm-step. x holds N MNIST images as float32 [N, 784]
(pixels / 255), y their one-hot labels as float32 [N, 10], both raw little-endian.
The models are the ones bench/src/cases/models.ts builds in Tessera and tfjs:
  mlp:  784-512-512-512-10, relu, Dropout(0.2) after each hidden layer, softmax, RMSprop
  cnn:  Conv2D(32, 5x5, relu) - MaxPooling2D(2) - Flatten - Dense(128, relu) - Dense(10, softmax), Adam
  lstm: LSTM(128) over the image's 28 rows (28 steps x 28 features) - Dense(10, softmax), Adam
with categorical cross-entropy, Keras's default hyperparameters (PyTorch given Keras's values).
"""

import argparse
import json
import os
import sys
import time

import numpy as np

# Replies go to the real stdout; anything a library prints goes to stderr instead.
PROTOCOL = os.fdopen(os.dup(sys.stdout.fileno()), "w", buffering=1)
sys.stdout = sys.stderr

CASES = ("mlp-step", "mlp-epoch", "cnn-step", "lstm-step")


def reply(obj):
    PROTOCOL.write(json.dumps(obj) + "\n")
    PROTOCOL.flush()


def load(req):
    n = int(req["n"])
    x = np.fromfile(req["x"], dtype="<f4", count=n * 784).reshape(n, 784)
    y = np.fromfile(req["y"], dtype="<f4", count=n * 10).reshape(n, 10)
    return x, y


class KerasEngine:
    def __init__(self):
        os.environ.setdefault("KERAS_BACKEND", "jax")
        import jax
        import keras

        self.keras = keras
        self.jax = jax

    def info(self):
        return {
            "engine": "keras",
            "version": self.keras.__version__,
            "backend": f"{self.keras.backend.backend()} {self.jax.__version__} ({self.jax.default_backend()})",
            "threads": os.cpu_count(),
        }

    def model(self, kind):
        k = self.keras
        L = k.layers
        if kind == "mlp":
            m = k.Sequential(
                [
                    k.Input((784,)),
                    L.Dense(512, activation="relu"),
                    L.Dropout(0.2),
                    L.Dense(512, activation="relu"),
                    L.Dropout(0.2),
                    L.Dense(512, activation="relu"),
                    L.Dropout(0.2),
                    L.Dense(10, activation="softmax"),
                ]
            )
            opt = k.optimizers.RMSprop()
        elif kind == "cnn":
            m = k.Sequential(
                [
                    k.Input((28, 28, 1)),
                    L.Conv2D(32, (5, 5), activation="relu"),
                    L.MaxPooling2D((2, 2)),
                    L.Flatten(),
                    L.Dense(128, activation="relu"),
                    L.Dense(10, activation="softmax"),
                ]
            )
            opt = k.optimizers.Adam()
        else:
            m = k.Sequential([k.Input((28, 28)), L.LSTM(128), L.Dense(10, activation="softmax")])
            opt = k.optimizers.Adam()
        m.compile(loss="categorical_crossentropy", optimizer=opt, metrics=["accuracy"])
        return m

    def setup(self, req):
        case, batch = req["case"], int(req["batch"])
        x, y = load(req)
        kind = case.split("-")[0]
        shape = {"mlp": (-1, 784), "cnn": (-1, 28, 28, 1), "lstm": (-1, 28, 28)}[kind]
        x = x.reshape(shape)
        m = self.model(kind)
        if case == "mlp-epoch":
            return lambda: m.fit(x, y, batch_size=batch, epochs=1, shuffle=True, verbose=0)
        xb, yb = x[:batch], y[:batch]
        return lambda: m.train_on_batch(xb, yb)


class TorchEngine:
    def __init__(self):
        import torch

        # Thread counts are left as the build sets them: Debian's python3-torch runs its products in
        # the system BLAS (OpenBLAS's own threads, one per core), and raising torch's OpenMP threads
        # on top of those oversubscribes the cores (20x slower steps measured on 2 cores).
        self.torch = torch

    def info(self):
        t = self.torch
        return {"engine": "torch", "version": t.__version__, "backend": f"cpu, BLAS {self.blas()}", "threads": t.get_num_threads()}

    def blas(self):
        """The BLAS library the process loaded (Debian's torch uses the system's libblas.so.3 alternative)."""
        t = self.torch
        t.mm(t.ones(64, 64), t.ones(64, 64))
        try:
            with open("/proc/self/maps") as f:
                libs = {line.split()[-1] for line in f if "blas" in line.lower() and "lapack" not in line and ".so" in line}
        except OSError:
            return "unknown"
        names = sorted(os.path.basename(os.path.dirname(p)) + "/" + os.path.basename(p) for p in libs)
        return ", ".join(names) or "built in"


    def model(self, kind):
        t = self.torch
        nn = t.nn
        if kind == "mlp":
            m = nn.Sequential(
                nn.Linear(784, 512), nn.ReLU(), nn.Dropout(0.2),
                nn.Linear(512, 512), nn.ReLU(), nn.Dropout(0.2),
                nn.Linear(512, 512), nn.ReLU(), nn.Dropout(0.2),
                nn.Linear(512, 10),
            )
            # Keras's RMSprop: rho 0.9, epsilon 1e-7, learning rate 0.001.
            opt = t.optim.RMSprop(m.parameters(), lr=0.001, alpha=0.9, eps=1e-7)
        elif kind == "cnn":
            m = nn.Sequential(
                nn.Conv2d(1, 32, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                nn.Linear(32 * 12 * 12, 128), nn.ReLU(), nn.Linear(128, 10),
            )
            opt = t.optim.Adam(m.parameters(), lr=0.001, betas=(0.9, 0.999), eps=1e-7)
        else:
            m = LstmClassifier(nn)
            opt = t.optim.Adam(m.parameters(), lr=0.001, betas=(0.9, 0.999), eps=1e-7)
        return m, opt

    def step_fn(self, m, opt):
        t = self.torch

        def step(xb, yb):
            opt.zero_grad(set_to_none=True)
            out = m(xb)
            # softmax + categorical cross-entropy, as the Keras model computes it (from logits: stable)
            loss = -(yb * t.log_softmax(out, dim=1)).sum(dim=1).mean()
            loss.backward()
            opt.step()
            # Keras reports the accuracy metric each step: compute it too.
            acc = (out.argmax(1) == yb.argmax(1)).float().mean()
            return loss.item(), acc.item()

        return step

    def setup(self, req):
        t = self.torch
        case, batch = req["case"], int(req["batch"])
        x, y = load(req)
        kind = case.split("-")[0]
        shape = {"mlp": (-1, 784), "cnn": (-1, 1, 28, 28), "lstm": (-1, 28, 28)}[kind]
        x = t.from_numpy(np.ascontiguousarray(x.reshape(shape)))
        y = t.from_numpy(y)
        m, opt = self.model(kind)
        m.train()
        step = self.step_fn(m, opt)
        if case == "mlp-epoch":
            n = x.shape[0]

            def epoch():
                perm = t.randperm(n)
                for i in range(0, n, batch):
                    idx = perm[i : i + batch]
                    step(x[idx], y[idx])

            return epoch
        xb, yb = x[:batch], y[:batch]
        return lambda: step(xb, yb)


def LstmClassifier(nn):
    class Model(nn.Module):
        def __init__(self):
            super().__init__()
            self.lstm = nn.LSTM(28, 128, batch_first=True)
            self.dense = nn.Linear(128, 10)

        def forward(self, x):
            _, (h, _) = self.lstm(x)
            return self.dense(h[-1])

    return Model()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--engine", choices=("keras", "torch"), required=True)
    args = ap.parse_args()
    try:
        engine = KerasEngine() if args.engine == "keras" else TorchEngine()
    except Exception as e:  # an import that fails is the bench's to report, not a crash
        reply({"error": f"{args.engine} does not import: {type(e).__name__}: {e}"})
        return
    reply({"ready": True, **engine.info()})
    run = None
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        req = json.loads(line)
        op = req.get("op")
        try:
            if op == "info":
                reply(engine.info())
            elif op == "setup":
                if req["case"] not in CASES:
                    reply({"unsupported": f"no {args.engine} case {req['case']}"})
                    continue
                run = engine.setup(req)
                reply({"ok": True})
            elif op == "run":
                t0 = time.perf_counter()
                run()
                reply({"ms": (time.perf_counter() - t0) * 1000})
            elif op == "dispose":
                run = None
                reply({"ok": True})
            elif op == "quit":
                reply({"ok": True})
                return
            else:
                reply({"error": f"unknown op {op}"})
        except Exception as e:
            reply({"error": f"{type(e).__name__}: {e}"})


if __name__ == "__main__":
    main()
