import { ShapeError, util, type FusedActivationAttrs, type TensorInfo } from '@tessera/tensor';
import { FUSED_ACTIVATIONS_WGSL } from '../shaders/activation.js';
import { FLOAT_BITS } from '../shaders/common.js';
import type { GemmSpec } from '../shaders/gemm.js';
import { assertDType } from './unary.js';

/**
 * A GEMM spec with a fused kernel's epilogue: each sum of output column `n` is stored as
 * `activation(sum + x2[n])` (without the `x2` term when there is no bias). The activation
 * is the one its unary kernel runs; leakyRelu reads its slope from the uniform `alpha`.
 */
export function withEpilogue(spec: GemmSpec, attrs: FusedActivationAttrs, bias: boolean): GemmSpec {
  const { body, helpers = [] } = FUSED_ACTIVATIONS_WGSL[attrs.activation];
  return {
    ...spec,
    key: `${spec.key}:${attrs.activation}:${bias ? 'bias' : 'no-bias'}`,
    fields: [...spec.fields, ['alpha', 'f32']],
    epilogue: [
      FLOAT_BITS,
      ...helpers,
      `fn activation(x: f32) -> f32 { ${body} }`,
      `fn epilogue(v: f32, n: u32) -> f32 { return activation(v${bias ? ' + x2[n]' : ''}); }`,
    ].join('\n'),
    bias,
  };
}

/** Checks a fused kernel's optional bias: float32 `[channels]`, one per output column. */
export function checkBias(kernelName: string, bias: TensorInfo | undefined, channels: number, what: string): void {
  if (!bias) return;
  assertDType(kernelName, bias, ['float32'], 'bias');
  if (bias.shape.length !== 1 || bias.shape[0] !== channels) {
    throw new ShapeError(`${kernelName} (webgpu): expected bias of shape [${channels}] (one per ${what}) but got ${util.formatShape(bias.shape)}`);
  }
}
