// A TypeScript consumer of every package, type-checked under --strict with node16 and bundler
// resolution and without skipLibCheck: the published .d.ts files must stand on their own.
import { pickBackend, tensor, type BackendChoice, type Tensor } from 'tessera-ml';
import * as tessera from 'tessera-ml';
import * as layers from 'tessera-ml/layers';
import * as optimizers from 'tessera-ml/optimizers';
import * as losses from 'tessera-ml/losses';
import * as datasets from 'tessera-ml/datasets';
import * as io from 'tessera-ml/io';
import { Dense, Sequential, type History } from '@tessera/layers';
import { CpuBackend } from '@tessera/cpu-backend';
import { createWebGPUBackend, softwareAdapter, type WebGPUBackendOptions } from '@tessera/webgpu-backend';
import { describeBackend } from '@tessera/conformance';
import { mnist, toCategorical } from '@tessera/datasets';
import { loadModel, saveModel } from '@tessera/io';
import { Adam } from '@tessera/optimizers';
import { getLoss } from '@tessera/losses';
import { plotHistory } from '@tessera/plot';
import { makeJobBundle, submitToRay } from '@tessera/scale';
import { FitWorker } from '@tessera/worker';
import { matMul, type DType } from '@tessera/tensor';

export async function main(): Promise<number> {
  const choice: BackendChoice = await pickBackend();
  const x: Tensor = tensor([[1, 2]]);
  const y = matMul(x, tensor([[3], [4]]));
  const model = new Sequential([new Dense({ units: 4, activation: 'relu', inputShape: [2] }), new layers.Dense({ units: 1 })]);
  model.compile({ optimizer: new Adam(), loss: getLoss('mse') });
  const history: History = await model.fit(x, tensor([[1]]), { epochs: 1, verbose: 0 });
  const dtype: DType = y.dtype;
  const options: WebGPUBackendOptions = { hardwareOnly: true };
  // The subpaths are the main entry's namespaces.
  const same: [typeof layers.Dense, typeof optimizers.Adam, typeof losses.getLoss, typeof datasets.mnist, typeof io.loadModel] = [
    tessera.layers.Dense,
    tessera.optimizers.Adam,
    tessera.losses.getLoss,
    tessera.datasets.mnist,
    tessera.io.loadModel,
  ];
  const unused = [...same, CpuBackend, createWebGPUBackend, softwareAdapter, describeBackend, mnist.loadData, toCategorical, loadModel, saveModel, plotHistory, makeJobBundle, submitToRay, FitWorker];
  return choice.name.length + history.epoch.length + dtype.length + Object.keys(options).length + unused.length;
}
