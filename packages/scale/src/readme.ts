import type { JobDescription } from './bundle.js';

function describeData(job: JobDescription): string {
  const d = job.data;
  if (d.kind === 'npy') {
    const n = (s: { x: string | string[] }) => (Array.isArray(s.x) ? s.x.length : 1);
    return `\`.npy\` shards: ${n(d.train)} for training${d.test ? `, ${n(d.test)} for testing` : ''}`;
  }
  return `${d.kind} from \`${d.source}\``;
}

/** The README.md written into a bundle: what it trains and how to run it, by hand or on Ray. */
export function bundleReadme(job: JobDescription): string {
  return `# Job bundle: ${job.modelName}

Written by \`@tessera/scale\`. It trains the Tessera model in \`${job.model}\` (saved with its compile
config) with Keras 3 on JAX, data-parallel over every device JAX sees, and saves the trained model.

| | |
| --- | --- |
| data | ${describeData(job)} |
| epochs | ${job.epochs} |
| batch size | ${job.batchSize} (global: each step splits it over all devices) |
| validation split | ${job.validationSplit} |
| callbacks | ${job.callbacks.map((c) => c.class_name).join(', ') || 'none'} |
| seed | ${job.seed} |

## Files
- \`train.py\`: loads the model, sets \`keras.distribution.DataParallel(devices=jax.devices())\`, loads the data, runs \`fit\`, evaluates on the test split, saves \`outputs/model.keras\` and \`outputs/history.json\`.
- \`job.json\`: everything that varies (model file, data, \`fit\`'s arguments, callbacks).
- \`requirements.txt\`: what the Python environment needs (on GPUs, \`jax[cuda12]\` instead of \`jax\`).
- \`data/\`: the local data files, copied (URLs are downloaded by the job).

## Run it
\`\`\`sh
pip install -r requirements.txt
python train.py                       # outputs/ beside this file
python train.py --output /shared/run1 # or anywhere
\`\`\`

On a Ray cluster (what \`submitToRay\` does through the Jobs REST API):
\`\`\`sh
ray job submit --address http://HEAD:8265 --working-dir . --runtime-env-json '{"pip": "requirements.txt"}' -- python train.py --print-results
\`\`\`

On several hosts, start \`train.py\` once per host with \`JAX_COORDINATOR_ADDRESS=host0:1234\`,
\`JAX_NUM_PROCESSES\` and \`JAX_PROCESS_ID\` set (or under SLURM / Open MPI, which JAX detects): it
calls \`jax.distributed.initialize()\` and every process joins one mesh; process 0 writes the outputs.
`;
}
