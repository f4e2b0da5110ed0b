// The job's train.py, written into every bundle by makeJobBundle. It is generic: everything
// that varies (model file, data, epochs, callbacks) is read from the bundle's job.json, so the
// script stays one readable Python file (kept here as a string so the package ships no loose files).

/** The source of the bundle's `train.py` (Keras 3 on JAX, DataParallel over every device). */
export const TRAIN_PY = String.raw`"""Trains a Tessera model data-parallel with Keras 3 on JAX (written by @tessera/scale).

Reads job.json beside this file: the model file (saved by Tessera with its compile config),
the data description, epochs, batch size, validation split and the callbacks. Runs one process
per host: on several hosts, set JAX_COORDINATOR_ADDRESS, JAX_NUM_PROCESSES and JAX_PROCESS_ID
(or run under SLURM / Open MPI, which JAX detects) and every process joins the same mesh.

  python train.py [--output DIR] [--print-results]

--output: where the trained model.keras, history.json and callback files go (default: outputs/).
--print-results: also print model.keras and history.json (base64) between marker lines, so a
client that only sees the job's log (Ray's Jobs API) can take them home.
"""
import argparse
import base64
import gzip
import hashlib
import io
import json
import math
import os
import re
import sys
import tarfile
import time
import urllib.request

os.environ.setdefault('KERAS_BACKEND', 'jax')

import numpy as np  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
PREFIX = 'tessera-scale:'


def say(*parts):
    print(PREFIX, *parts, flush=True)


def fail(message):
    print(f'{PREFIX} error: {message}', file=sys.stderr, flush=True)
    sys.exit(2)


# ---------------------------------------------------------------- multi-host start

def start_jax():
    import jax

    if os.environ.get('JAX_COORDINATOR_ADDRESS') and int(os.environ.get('JAX_NUM_PROCESSES', '1')) > 1:
        jax.distributed.initialize(
            coordinator_address=os.environ['JAX_COORDINATOR_ADDRESS'],
            num_processes=int(os.environ['JAX_NUM_PROCESSES']),
            process_id=int(os.environ['JAX_PROCESS_ID']),
        )
    elif int(os.environ.get('SLURM_NTASKS', '1')) > 1 or int(os.environ.get('OMPI_COMM_WORLD_SIZE', '1')) > 1:
        jax.distributed.initialize()  # JAX reads the cluster from SLURM's / Open MPI's environment
    return jax


# ---------------------------------------------------------------- data

def is_url(ref):
    return re.match(r'^[a-zA-Z][a-zA-Z0-9+.-]*://', ref) is not None


def local_file(ref, required=True):
    """A path for a data reference: a file of the bundle, an absolute path, or a URL (downloaded once).

    With required=False, a URL that cannot be downloaded gives None instead of failing."""
    if is_url(ref):
        if ref.startswith('file://'):
            path = urllib.request.url2pathname(ref[len('file://'):])
            if not os.path.exists(path):
                fail(f'data file {ref} does not exist on this node')
            return path
        cache = os.path.join(HERE, 'data_cache')
        os.makedirs(cache, exist_ok=True)
        name = hashlib.sha1(ref.encode()).hexdigest()[:16] + '_' + os.path.basename(ref.split('?')[0])
        path = os.path.join(cache, name)
        if not os.path.exists(path):
            try:
                with urllib.request.urlopen(ref, timeout=120) as r, open(path + '.part', 'wb') as f:
                    f.write(r.read())
            except Exception as e:  # noqa: BLE001 (any failure is the same failure for the user)
                if not required:
                    return None
                fail(f'could not download {ref}: {e}')
            say(f'downloaded {ref}')
            os.replace(path + '.part', path)
        return path
    path = ref if os.path.isabs(ref) else os.path.join(HERE, ref)
    if not os.path.exists(path):
        fail(f'data file {ref} does not exist (looked for {path})')
    return path


def read_bytes(path):
    with open(path, 'rb') as f:
        data = f.read()
    return gzip.decompress(data) if data[:2] == b'\x1f\x8b' else data


def parse_idx(data, name):
    if len(data) < 4 or data[0] != 0 or data[1] != 0:
        fail(f'{name} is not an IDX file')
    types = {0x08: '>u1', 0x09: '>i1', 0x0B: '>i2', 0x0C: '>i4', 0x0D: '>f4', 0x0E: '>f8'}
    if data[2] not in types:
        fail(f'{name}: unknown IDX type 0x{data[2]:02x}')
    ndim = data[3]
    dims = [int.from_bytes(data[4 + 4 * i: 8 + 4 * i], 'big') for i in range(ndim)]
    array = np.frombuffer(data, dtype=types[data[2]], offset=4 + 4 * ndim)
    if array.size != int(np.prod(dims)):
        fail(f'{name}: expected {int(np.prod(dims))} values for shape {dims} but found {array.size}')
    return array.reshape(dims)


def idx_file(source, stem):
    """A dataset's IDX file under a folder or a URL prefix, gzipped or not."""
    for suffix in ('.gz', ''):
        ref = source.rstrip('/') + '/' + stem + suffix
        if is_url(ref) and not ref.startswith('file://'):
            path = local_file(ref, required=False)
            if path is not None:
                return path
            continue
        path = ref[len('file://'):] if ref.startswith('file://') else (ref if os.path.isabs(ref) else os.path.join(HERE, ref))
        if os.path.exists(path):
            return path
    fail(f'{stem}(.gz) not found in {source}')


def load_idx_dataset(source):
    def split(images, labels):
        x = parse_idx(read_bytes(idx_file(source, images)), images)
        y = parse_idx(read_bytes(idx_file(source, labels)), labels)
        return x, y
    return split('train-images-idx3-ubyte', 'train-labels-idx1-ubyte'), split('t10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte')


def load_cifar10(source):
    files = {}
    path = local_file(source) if is_url(source) else (source if os.path.isabs(source) else os.path.join(HERE, source))
    if os.path.isfile(path):
        with tarfile.open(path, 'r:*') as tar:
            for member in tar.getmembers():
                base = os.path.basename(member.name)
                if re.match(r'^(data_batch_[1-5]|test_batch)\.bin$', base):
                    files[base] = tar.extractfile(member).read()
    elif os.path.isdir(path):
        for root, _, names in os.walk(path):
            for base in names:
                if re.match(r'^(data_batch_[1-5]|test_batch)\.bin$', base):
                    with open(os.path.join(root, base), 'rb') as f:
                        files[base] = f.read()
    else:
        fail(f'CIFAR-10 source {source} does not exist')

    def records(names):
        missing = [n for n in names if n not in files]
        if missing:
            fail(f'CIFAR-10 source {source} lacks {", ".join(missing)}')
        raw = np.frombuffer(b''.join(files[n] for n in names), dtype=np.uint8)
        if raw.size % 3073:
            fail(f'CIFAR-10 batches of {source} are not whole 3073-byte records')
        raw = raw.reshape(-1, 3073)
        return raw[:, 1:].reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1), raw[:, 0].astype(np.int64)

    return records([f'data_batch_{i}.bin' for i in range(1, 6)]), records(['test_batch.bin'])


def load_npy(split):
    def stack(refs):
        return np.concatenate([np.load(local_file(ref), allow_pickle=False) for ref in refs], axis=0)
    x, y = stack(split['x']), stack(split['y'])
    if len(x) != len(y):
        fail(f'the x shards hold {len(x)} samples but the y shards {len(y)}')
    return x, y


def load_data(spec):
    kind = spec['kind']
    if kind in ('mnist', 'fashion_mnist', 'idx'):
        train, test = load_idx_dataset(spec['source'])
    elif kind == 'cifar10':
        train, test = load_cifar10(spec['source'])
    elif kind == 'npy':
        train = load_npy(spec['train'])
        test = load_npy(spec['test']) if spec.get('test') else None
    else:
        fail(f'unknown data kind {kind!r}')
    limit = spec.get('limit') or {}
    if limit.get('train') is not None:
        train = (train[0][: limit['train']], train[1][: limit['train']])
    if test is not None and limit.get('test') is not None:
        test = (test[0][: limit['test']], test[1][: limit['test']])
    return train, test


def prepare(x, y, model, spec):
    """Scales x, gives it the model's input shape, and one-hot encodes y when the loss wants it."""
    x = x.astype('float32')
    if spec.get('scale') is not None:
        x = x * np.float32(spec['scale'])
    want = tuple(model.input_shape[1:])
    if x.shape[1:] != want and None not in want and int(np.prod(x.shape[1:])) == int(np.prod(want)):
        x = x.reshape((len(x),) + want)
    classes = model.output_shape[-1]
    loss = model.loss if isinstance(model.loss, str) else getattr(model.loss, 'name', type(model.loss).__name__)
    sparse = 'sparse' in str(loss).lower()
    if y.ndim == 1 and classes and classes > 1 and not sparse:
        import keras
        y = keras.utils.to_categorical(y, classes)
    return x, y.astype('float32') if y.dtype.kind == 'f' or not sparse else y.astype('int32')


def even_split(arrays, devices, what):
    """Drops the last samples so that every batch, the last partial one included, splits evenly
    over the devices (JAX refuses to shard a batch of 5 over 2 devices); says so when it drops."""
    keep = len(arrays[0]) - len(arrays[0]) % devices
    if keep != len(arrays[0]):
        say(f'{what}: using {keep} of {len(arrays[0])} samples so that every batch splits evenly over {devices} devices')
    return tuple(a[:keep] for a in arrays)


# ---------------------------------------------------------------- callbacks

def make_callbacks(specs, output):
    import keras

    made = []
    for spec in specs:
        name, config = spec['class_name'], dict(spec['config'])
        if name == 'History':
            continue  # fit always returns one
        if name in ('ModelCheckpoint', 'BackupAndRestore'):
            os.makedirs(os.path.join(output, 'checkpoints'), exist_ok=True)
            config['filepath'] = os.path.join(output, 'checkpoints', os.path.basename(config['filepath']))
        if name == 'CSVLogger':
            config['filename'] = os.path.join(output, os.path.basename(config['filename']))
        made.append(getattr(keras.callbacks, name)(**config))
    return made


# ---------------------------------------------------------------- results

def print_file(path, name):
    with open(path, 'rb') as f:
        data = f.read()
    text = base64.b64encode(data).decode('ascii')
    print(f'{PREFIX} result-begin {name} {len(data)} {hashlib.sha256(data).hexdigest()}', flush=True)
    for i in range(0, len(text), 8192):
        print(text[i: i + 8192])
    print(f'{PREFIX} result-end {name}', flush=True)


def main():
    parser = argparse.ArgumentParser(description='Train a Tessera model with Keras 3 on JAX.')
    parser.add_argument('--output', default=os.path.join(HERE, 'outputs'))
    parser.add_argument('--print-results', action='store_true')
    args = parser.parse_args()
    with open(os.path.join(HERE, 'job.json')) as f:
        job = json.load(f)

    jax = start_jax()
    import keras

    devices = jax.devices()
    distribution = keras.distribution.DataParallel(devices=devices)
    keras.distribution.set_distribution(distribution)
    keras.utils.set_random_seed(job.get('seed', 1337))

    model = keras.saving.load_model(os.path.join(HERE, job['model']))
    if getattr(model, 'optimizer', None) is None or not getattr(model, 'compiled', True):
        fail(f'{job["model"]} holds no compile config: compile the model before making the bundle')
    (x, y), test = load_data(job['data'])
    x, y = prepare(x, y, model, job['data'])
    if test is not None:
        test = prepare(test[0], test[1], model, job['data'])
    batch_size = job['batchSize']
    if batch_size % len(devices):
        fail(f'batchSize {batch_size} does not split over {len(devices)} devices: choose a multiple of {len(devices)}')
    # Keras's own validation_split, done here so that both parts split evenly over the devices.
    split_at = int(math.floor(len(x) * (1.0 - job.get('validationSplit', 0.0))))
    (x, y), val = (x[:split_at], y[:split_at]), (x[split_at:], y[split_at:])
    x, y = even_split((x, y), len(devices), 'training')
    val = even_split(val, len(devices), 'validation') if len(val[0]) else None
    if test is not None:
        test = even_split(test, len(devices), 'test')
    say(f'{len(x)} training samples {tuple(x.shape[1:])}'
        + (f', {len(val[0])} validation samples' if val is not None else '')
        + (f', {len(test[0])} test samples' if test is not None else ''))

    batch = keras.distribution.distribute_tensor(x[:batch_size], distribution.get_data_layout((batch_size,) + x.shape[1:]))
    shards = ', '.join(f'{tuple(s.data.shape)} on {s.device}' for s in batch.addressable_shards)
    say(f'data parallel over {len(devices)} devices ({jax.process_count()} process(es)): '
        f'batch {tuple(batch.shape)} sharding {batch.sharding} -> [{shards}]')

    output = os.path.abspath(args.output)
    os.makedirs(output, exist_ok=True)
    started = time.time()
    history = model.fit(
        x, y,
        batch_size=batch_size,
        epochs=job['epochs'],
        validation_data=val,
        shuffle=job.get('shuffle', True),
        verbose=job.get('verbose', 2),
        callbacks=make_callbacks(job.get('callbacks', []), output),
    )
    seconds = time.time() - started
    evaluation = None
    if test is not None:
        evaluation = model.evaluate(test[0], test[1], batch_size=batch_size, verbose=0, return_dict=True)
        evaluation = {k: float(v) for k, v in evaluation.items()}
        say('evaluate ' + json.dumps(evaluation))

    if jax.process_index() == 0:
        model.save(os.path.join(output, 'model.keras'))
        record = {
            'history': {k: [float(v) for v in vs] for k, vs in history.history.items()},
            'epoch': list(history.epoch),
            'evaluate': evaluation,
            'devices': len(devices),
            'processes': jax.process_count(),
            'seconds': seconds,
            'keras': keras.__version__,
            'jax': jax.__version__,
        }
        with open(os.path.join(output, 'history.json'), 'w') as f:
            json.dump(record, f)
        say(f'saved {os.path.join(output, "model.keras")} and history.json after {seconds:.1f}s')
        if args.print_results:
            for name in ('model.keras', 'history.json'):
                print_file(os.path.join(output, name), name)
            for name in sorted(os.listdir(output)):
                if name.endswith(('.csv', '.log')):
                    print_file(os.path.join(output, name), name)


if __name__ == '__main__':
    main()
`;
