import { ShapeError, TesseraError, util, type KernelConfig, type TensorInfo } from '@tessera/tensor';
import type { WebGPUBackend } from '../backend_webgpu.js';
import { runElementwise } from '../shaders/elementwise.js';
import { FLOAT_BITS } from '../shaders/common.js';
import { SQRT } from '../shaders/math.js';
import { assertDType } from './unary.js';

/**
 * One optimizer update as WGSL: `fn op(<params>) -> f32` per output, sharing the `let`
 * statements of `prelude` (the new slots, computed once per shader). Each output is its
 * own elementwise dispatch over every input (the WGSL compiler drops what an output does
 * not use): a handful of dispatches instead of the ten or so of the op-by-op update.
 */
interface UpdateShader {
  /** Names the shader variant (kernel and options). */
  readonly name: string;
  /** The names of the inputs in the shader, in input order. */
  readonly params: readonly string[];
  readonly prelude: string;
  /** The expression of each output, in output order. */
  readonly outputs: readonly string[];
  /** f32 uniforms read as `u.<name>`. */
  readonly attrs: Record<string, number>;
}

function runUpdate(backend: WebGPUBackend, kernelName: string, inputs: readonly TensorInfo[], shader: UpdateShader): TensorInfo[] {
  if (inputs.length !== shader.params.length) {
    throw new TesseraError(
      `${kernelName} (webgpu): expected ${shader.params.length} inputs (the variable, its gradient and its slots, as the attributes ask) but got ${inputs.length}`,
    );
  }
  const shape = inputs[0].shape;
  for (const x of inputs) {
    assertDType(kernelName, x, ['float32']);
    if (!util.shapesEqual(x.shape, shape)) {
      throw new ShapeError(`${kernelName} (webgpu): expected every input of the variable's shape ${util.formatShape(shape)} but got ${util.formatShape(x.shape)}`);
    }
  }
  const signature = shader.params.map((p) => `${p}: f32`).join(', ');
  return shader.outputs.map((expr, k) =>
    runElementwise(
      backend,
      {
        name: `${shader.name}:${k}`,
        fn: `fn op(${signature}) -> f32 {\n${shader.prelude}\n  return ${expr};\n}`,
        helpers: [FLOAT_BITS, SQRT].join('\n'),
        attrs: Object.keys(shader.attrs),
      },
      inputs,
      shape,
      'float32',
      shader.attrs,
    ),
  );
}

/** ApplySGD: `w - lr*g`; with momentum `m' = m*mu - lr*g` and `w + m'` (nesterov: `w + (m'*mu - lr*g)`). */
export const applySGDConfig: KernelConfig<'ApplySGD', WebGPUBackend> = {
  kernelName: 'ApplySGD',
  backendName: 'webgpu',
  kernelFunc: ({ inputs, attrs, backend }) => {
    const attrsOf = { lr: attrs.learningRate, mu: attrs.momentum };
    if (attrs.momentum === 0) {
      return runUpdate(backend, 'ApplySGD', inputs, { name: 'ApplySGD', params: ['w', 'g'], prelude: '', outputs: ['w - g * u.lr'], attrs: attrsOf });
    }
    const variable = attrs.nesterov ? 'w + (m2 * u.mu - step)' : 'w + m2';
    return runUpdate(backend, 'ApplySGD', inputs, {
      name: `ApplySGD:momentum:${attrs.nesterov}`,
      params: ['w', 'g', 'm'],
      prelude: '  let step = g * u.lr;\n  let m2 = m * u.mu - step;',
      outputs: [variable, 'm2'],
      attrs: attrsOf,
    });
  },
};

/** ApplyAdam: `m' = m + (g - m)(1 - b1)`, `v' = v + (g² - v)(1 - b2)`, amsgrad `vHat' = max(vHat, v')`, `w - m'*alpha / (sqrt(v') + eps)`. */
export const applyAdamConfig: KernelConfig<'ApplyAdam', WebGPUBackend> = {
  kernelName: 'ApplyAdam',
  backendName: 'webgpu',
  kernelFunc: ({ inputs, attrs, backend }) => {
    const { amsgrad } = attrs;
    const prelude = [
      '  let m2 = m + (g - m) * u.c1;',
      '  let v2 = v + (g * g - v) * u.c2;',
      amsgrad ? '  let h2 = max(vh, v2);\n  let s = h2;' : '  let s = v2;',
    ].join('\n');
    return runUpdate(backend, 'ApplyAdam', inputs, {
      name: `ApplyAdam:${amsgrad}`,
      params: amsgrad ? ['w', 'g', 'm', 'v', 'vh'] : ['w', 'g', 'm', 'v'],
      prelude,
      outputs: ['w - (m2 * u.alpha) / (sqrtF(s) + u.eps)', 'm2', 'v2', ...(amsgrad ? ['h2'] : [])],
      attrs: { alpha: attrs.alpha, c1: 1 - attrs.beta1, c2: 1 - attrs.beta2, eps: attrs.epsilon },
    });
  },
};

/**
 * ApplyRMSProp: `vel' = vel*rho + g²(1 - rho)`; centered `avg' = avg*rho + g(1 - rho)` and
 * `den = vel' - avg'² + eps`, else `vel' + eps`; `inc = g*lr / sqrt(den)`; momentum
 * `mom' = mom*mu + inc` and `w - mom'`, else `w - inc`.
 */
export const applyRMSPropConfig: KernelConfig<'ApplyRMSProp', WebGPUBackend> = {
  kernelName: 'ApplyRMSProp',
  backendName: 'webgpu',
  kernelFunc: ({ inputs, attrs, backend }) => {
    const momentum = attrs.momentum !== 0;
    const { centered } = attrs;
    const prelude = [
      '  let vel2 = vel * u.rho + g * g * u.c;',
      centered ? '  let avg2 = avg * u.rho + g * u.c;\n  let den = vel2 - avg2 * avg2 + u.eps;' : '  let den = vel2 + u.eps;',
      '  let inc = (g * u.lr) / sqrtF(den);',
      momentum ? '  let mom2 = mom * u.mu + inc;' : '',
    ].join('\n');
    return runUpdate(backend, 'ApplyRMSProp', inputs, {
      name: `ApplyRMSProp:${momentum}:${centered}`,
      params: ['w', 'g', 'vel', ...(momentum ? ['mom'] : []), ...(centered ? ['avg'] : [])],
      prelude,
      outputs: [momentum ? 'w - mom2' : 'w - inc', 'vel2', ...(momentum ? ['mom2'] : []), ...(centered ? ['avg2'] : [])],
      attrs: { lr: attrs.learningRate, rho: attrs.rho, c: 1 - attrs.rho, mu: attrs.momentum, eps: attrs.epsilon },
    });
  },
};
