"""Keras's addition_rnn run in Keras 3 itself, for the figure the Tessera port is compared with.

The same configuration as ../src (three digits, reversed, 50,000 questions, 10% held out,
LSTM(128) - RepeatVector(4) - LSTM(128, return_sequences) - Dense(12, softmax), Adam,
categorical cross-entropy, batch 32), the data generated as the Keras example generates it
(numpy's generator, seeded). Prints one JSON line per epoch: the epoch, the per-character
validation accuracy and the seconds it took.

    KERAS_BACKEND=jax ~/.cache/tessera/keras-venv/bin/python addition_rnn_keras.py --epochs 30
"""
import argparse
import json
import time

import numpy as np
import keras

parser = argparse.ArgumentParser()
parser.add_argument("--epochs", type=int, default=30)
parser.add_argument("--samples", type=int, default=50000)
parser.add_argument("--seed", type=int, default=1337)
args = parser.parse_args()

DIGITS = 3
MAXLEN = DIGITS + 1 + DIGITS
CHARS = "0123456789+ "
INDEX = {c: i for i, c in enumerate(CHARS)}


def encode(text, rows):
    x = np.zeros((rows, len(CHARS)))
    for i, c in enumerate(text):
        x[i, INDEX[c]] = 1
    return x


np.random.seed(args.seed)
keras.utils.set_random_seed(args.seed)
questions, expected, seen = [], [], set()
while len(questions) < args.samples:
    f = lambda: int("".join(np.random.choice(list("0123456789")) for _ in range(np.random.randint(1, DIGITS + 1))))
    a, b = f(), f()
    key = tuple(sorted((a, b)))
    if key in seen:
        continue
    seen.add(key)
    q = "{}+{}".format(a, b)
    questions.append((q + " " * (MAXLEN - len(q)))[::-1])
    ans = str(a + b)
    expected.append(ans + " " * (DIGITS + 1 - len(ans)))

x = np.array([encode(q, MAXLEN) for q in questions], dtype="float32")
y = np.array([encode(a, DIGITS + 1) for a in expected], dtype="float32")
order = np.arange(len(y))
np.random.shuffle(order)
x, y = x[order], y[order]
split = len(x) - len(x) // 10
x_train, x_val, y_train, y_val = x[:split], x[split:], y[:split], y[split:]

model = keras.Sequential([
    keras.Input((MAXLEN, len(CHARS))),
    keras.layers.LSTM(128),
    keras.layers.RepeatVector(DIGITS + 1),
    keras.layers.LSTM(128, return_sequences=True),
    keras.layers.Dense(len(CHARS), activation="softmax"),
])
model.compile(loss="categorical_crossentropy", optimizer="adam", metrics=["accuracy"])
for epoch in range(1, args.epochs + 1):
    t0 = time.perf_counter()
    h = model.fit(x_train, y_train, batch_size=32, epochs=1, validation_data=(x_val, y_val), verbose=0)
    print(json.dumps({"epoch": epoch, "val_accuracy": round(float(h.history["val_accuracy"][0]), 4),
                      "seconds": round(time.perf_counter() - t0, 1)}), flush=True)
