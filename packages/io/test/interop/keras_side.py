"""The real Keras's side of the interop suite (packages/io/test/interop/interop.test.ts).

One process per direction, driven by a manifest JSON (argv[1]); results go to argv[2].
  phase "write": Keras builds every zoo model from its Python code, randomizes its weights,
    saves it in every file kind for Tessera to read, and reloads its own files to record the
    warnings Keras raises for them (the baseline our files are judged against). It also
    trains a small model with each optimizer, saves it and records its next step.
  phase "read": Keras loads every file Tessera wrote with its defaults (keras.saving.load_model,
    load_weights, model_from_json), predicts, counts parameters, records every warning, and takes
    the next training step of each optimizer file.
"""
import io
import json
import logging
import os
import sys
import traceback
import warnings
import contextlib

os.environ.setdefault("KERAS_BACKEND", "jax")
import numpy as np  # noqa: E402
import keras  # noqa: E402

KINDS = ["keras", "h5", "weights.h5", "json"]


def build(code):
    scope = {"keras": keras, "np": np}
    exec(code, scope)
    return scope["model"]


def randomize(model, seed):
    """Seeded random weights; variances positive, as the TypeScript side's randomizeWeights."""
    rng = np.random.default_rng(seed)
    for w in model.weights:
        shape = tuple(w.shape)
        if w.name in ("moving_variance", "variance"):
            v = 0.5 + rng.random(shape)
        elif w.name == "count":
            v = np.full(shape, 10)
        else:
            v = rng.standard_normal(shape) * 0.3
        w.assign(v.astype(w.dtype))
    # Preprocessing layers (Normalization) compute from their variables once, in finalize_state.
    for layer in model._flatten_layers(include_self=False):
        if layer.built and hasattr(layer, "finalize_state"):
            layer.finalize_state()


def inputs_of(entry):
    xs = [np.asarray(x["data"], dtype=x["dtype"]).reshape(x["shape"]) for x in entry["x"]]
    return xs[0] if len(xs) == 1 else xs


def flat(outputs):
    if isinstance(outputs, (list, tuple)):
        return [float(v) for o in outputs for v in np.asarray(o, dtype=np.float64).ravel()]
    return [float(v) for v in np.asarray(outputs, dtype=np.float64).ravel()]


class Collect(logging.Handler):
    """Keeps log records (absl's "WARNING:absl:..." lines) as text."""

    def __init__(self, into):
        super().__init__(logging.WARNING)
        self.into = into

    def emit(self, record):
        self.into.append(f"{record.levelname}:{record.name}:{record.getMessage()}")


@contextlib.contextmanager
def recorded(into):
    """Collects every Python warning, log record and anything printed while loading."""
    out = io.StringIO()
    root = logging.getLogger()
    handlers = root.handlers[:]
    # Log handlers keep the stream they were made with: replace them rather than redirect.
    root.handlers = [Collect(into)]
    try:
        with warnings.catch_warnings(record=True) as caught, contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
            warnings.simplefilter("always")
            yield
    finally:
        root.handlers = handlers
    into.extend(f"{w.category.__name__}: {w.message}" for w in caught)
    into.extend(line for line in out.getvalue().splitlines() if line.strip())


def load(kind, path, code, json_path):
    if kind in ("keras", "h5"):
        return keras.saving.load_model(path)
    if kind == "weights.h5":
        # Into a compiled model, as a user resuming work does: Keras then expects optimizer variables.
        model = build(code)
        model.compile(optimizer="adam", loss="mean_squared_error")
        model.load_weights(path)
        return model
    with open(json_path) as f:
        model = keras.models.model_from_json(f.read())
    model.load_weights(path)
    return model


def error_text(e):
    return f"{type(e).__name__}: {e}"


def write_phase(manifest):
    d = manifest["dir"]
    out = {"models": {}, "optimizers": {}, "versions": {"keras": keras.__version__}}
    for i, entry in enumerate(manifest["entries"]):
        name, res = entry["name"], {"saved": {}, "baseline": {}, "errors": {}}
        out["models"][name] = res
        try:
            model = build(entry["keras"])
            randomize(model, 1000 + i)
            # "mean_squared_error", not "mse": Keras 3 cannot reload its own .h5 compiled with "mse".
            model.compile(optimizer="adam", loss="mean_squared_error")
            x = inputs_of(entry)
            res["params"] = int(model.count_params())
            res["preds"] = flat(model.predict(x, verbose=0))
            base = os.path.join(d, name)
            savers = {
                "keras": lambda: model.save(base + ".keras"),
                "h5": lambda: model.save(base + ".h5"),
                "weights.h5": lambda: model.save_weights(base + ".weights.h5"),
                "json": lambda: open(base + ".json", "w").write(model.to_json()),
            }
            for kind, save in savers.items():
                try:
                    with warnings.catch_warnings():
                        warnings.simplefilter("ignore")  # "HDF5 is legacy": the user asked for it
                        save()
                    res["saved"][kind] = base + (".weights.h5" if kind == "json" else "." + kind)
                except Exception as e:  # Keras cannot write this kind for this model
                    res["errors"][kind] = error_text(e)
            for kind in res["saved"]:
                # Keras's own file read back by Keras: the warnings it raises are the baseline.
                caught = []
                try:
                    with recorded(caught):
                        m = load(kind, res["saved"][kind], entry["keras"], base + ".json")
                    res["baseline"][kind] = {"warnings": caught, "preds": flat(m.predict(x, verbose=0))}
                except Exception as e:  # Keras cannot read its own file this way
                    res["baseline"][kind] = {"warnings": caught, "error": error_text(e)}
        except Exception as e:
            res["errors"]["build"] = error_text(e) + "\n" + traceback.format_exc()
    for spec in manifest["optimizers"]:
        name, res = spec["name"], {}
        out["optimizers"][name] = res
        try:
            model = build(manifest["optimizer_model"])
            randomize(model, 7)
            model.compile(optimizer=eval(spec["keras"], {"keras": keras}), loss="mse")
            x = np.asarray(manifest["opt_x"], dtype="float32")
            y = np.asarray(manifest["opt_y"], dtype="float32")
            for _ in range(2):
                model.train_on_batch(x, y)
            path = os.path.join(d, f"opt_{name}.keras")
            model.save(path)
            model.train_on_batch(x, y)
            res["path"] = path
            res["next"] = [flat(w) for w in model.get_weights()]
        except Exception as e:
            res["error"] = error_text(e) + "\n" + traceback.format_exc()
    return out


def read_phase(manifest):
    out = {"models": {}, "optimizers": {}, "versions": {"keras": keras.__version__}}
    for entry in manifest["entries"]:
        name, res = entry["name"], {}
        out["models"][name] = res
        x = inputs_of(entry)
        for kind, path in entry["files"].items():
            r = {"warnings": []}
            res[kind] = r
            try:
                with recorded(r["warnings"]):
                    model = load(kind, path, entry["keras"], entry.get("json"))
                r["params"] = int(model.count_params())
                with recorded(r["warnings"]):
                    r["preds"] = flat(model.predict(x, verbose=0))
            except Exception as e:
                r["error"] = error_text(e) + "\n" + traceback.format_exc(limit=3)
    x = np.asarray(manifest.get("opt_x", []), dtype="float32")
    y = np.asarray(manifest.get("opt_y", []), dtype="float32")
    for spec in manifest["optimizers"]:
        r = {"warnings": []}
        out["optimizers"][spec["name"]] = r
        try:
            with recorded(r["warnings"]):
                model = keras.saving.load_model(spec["path"])
                model.train_on_batch(x, y)
            r["optimizer"] = model.optimizer.get_config()
            r["next"] = [flat(w) for w in model.get_weights()]
        except Exception as e:
            r["error"] = error_text(e) + "\n" + traceback.format_exc(limit=3)
    return out


def main():
    with open(sys.argv[1]) as f:
        manifest = json.load(f)
    result = write_phase(manifest) if manifest["phase"] == "write" else read_phase(manifest)
    with open(sys.argv[2], "w") as f:
        json.dump(result, f)


if __name__ == "__main__":
    main()
