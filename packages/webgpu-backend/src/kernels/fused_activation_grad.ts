import { ShapeError, util, type FusedActivation, type KernelConfig } from '@tessera/tensor';
import type { WebGPUBackend } from '../backend_webgpu.js';
import { runElementwise } from '../shaders/elementwise.js';
import { assertDType } from './unary.js';

/**
 * Each activation's gradient read off its output `y`, in f32 as the op-by-op composite
 * computes it (`y > 0 ? dy : 0` for relu; `dy * (y * (1 - y))` for sigmoid; ...).
 */
const BODIES: { readonly [A in FusedActivation]: string } = {
  linear: 'return dy;',
  relu: 'return select(0.0, dy, y > 0.0);',
  relu6: 'return select(0.0, dy, y > 0.0 && y < 6.0);',
  sigmoid: 'return dy * (y * (1.0 - y));',
  tanh: 'return dy * (1.0 - y * y);',
  elu: 'return select(dy * (y + 1.0), dy, y > 0.0);',
  leakyRelu: 'return select(dy * u.alpha, dy, y > 0.0);',
};

/** FusedActivationGrad: the gradient of a fused op's pre-activation from dy and its output y, one pass. */
export const fusedActivationGradConfig: KernelConfig<'FusedActivationGrad', WebGPUBackend> = {
  kernelName: 'FusedActivationGrad',
  backendName: 'webgpu',
  kernelFunc: ({ inputs: [dy, y], attrs: { activation, alpha }, backend }) => {
    assertDType('FusedActivationGrad', dy, ['float32'], 'dy');
    assertDType('FusedActivationGrad', y, ['float32'], 'y');
    if (!util.shapesEqual(dy.shape, y.shape)) {
      throw new ShapeError(`FusedActivationGrad (webgpu): expected dy and y of the same shape but got ${util.formatShape(dy.shape)} and ${util.formatShape(y.shape)}`);
    }
    const leaky = activation === 'leakyRelu';
    const op = { name: `FusedActivationGrad:${activation}`, fn: `fn op(dy: f32, y: f32) -> f32 { ${BODIES[activation]} }`, attrs: leaky ? ['alpha'] : [] };
    return runElementwise(backend, op, [dy, y], dy.shape, 'float32', leaky ? { alpha } : {});
  },
};
