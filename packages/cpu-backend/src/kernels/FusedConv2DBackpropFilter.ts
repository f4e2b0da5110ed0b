import { type KernelConfig, type TensorInfo } from '@tessera/tensor';
import type { CpuBackend } from '../backend_cpu.js';
import { directConvFilterGrad, useDirectConv } from '../util/conv_direct.js';
import { assertFloat32, assertShape, outShapeOf, windowGeometry } from '../util/window.js';
import { conv2DBackpropFilterConfig } from './Conv2DBackpropFilter.js';
import { LIMITS, fusedActivationGradConfig } from './FusedActivationGrad.js';
import { sumLeading } from './reduce.js';

/**
 * FusedConv2DBackpropFilter: FusedConv2D's filter (and bias) gradient from its input `x`,
 * `dy` and its output `y`, for a layer whose input needs no gradient (a network's first).
 * Inputs of few channels (the direct kernel, see conv_direct.ts) with relu, relu6 or no
 * activation and output channels in fours pass dy through the activation's gradient inside
 * the kernel, a run of pixels at a time, and sum it per channel there: the pre-activation's
 * gradient is never a tensor, and on two threads dy and y are read where they live. Other
 * layers run FusedActivationGrad's pass, Conv2DBackpropFilter and the sum in turn.
 */
export const fusedConv2DBackpropFilterConfig: KernelConfig<'FusedConv2DBackpropFilter', CpuBackend> = {
  kernelName: 'FusedConv2DBackpropFilter',
  backendName: 'cpu',
  kernelFunc: ({ inputs: [x, dy, y], attrs, backend }) => {
    const name = 'FusedConv2DBackpropFilter';
    assertFloat32(name, x, dy, y);
    const { filterShape, activation, alpha, bias, strides, dilations, pad } = attrs;
    const [kh, kw, inC, outC] = filterShape;
    const g = windowGeometry(name, x.shape, [kh, kw], outC, attrs);
    assertShape(name, 'filterShape', filterShape, [kh, kw, g.inC, outC]);
    assertShape(name, 'dy', dy.shape, outShapeOf(g));
    assertShape(name, 'y', y.shape, outShapeOf(g));
    const limit = activation === 'linear' ? 0 : LIMITS[activation];
    if (limit !== undefined && outC % 4 === 0 && useDirectConv(g)) {
      const df = new Float32Array(kh * kw * inC * outC);
      const db = bias ? new Float64Array(outC) : undefined;
      if (g.batch * g.outH * g.outW > 0 && df.length > 0) {
        const [xv, dyv, yv] = [x, dy, y].map((t) => backend.values(t) as Float32Array);
        directConvFilterGrad(xv, g, dyv, df, { y: yv, limit, bias: db });
      }
      const filter = backend.output(df, filterShape, 'float32');
      return db ? [filter, backend.output(Float32Array.from(db), [outC], 'float32')] : [filter];
    }
    const dz = fusedActivationGradConfig.kernelFunc({ inputs: [dy, y], attrs: { activation, alpha }, backend }) as TensorInfo;
    try {
      const filter = conv2DBackpropFilterConfig.kernelFunc({ inputs: [x, dz], attrs: { strides, dilations, pad, filterShape }, backend }) as TensorInfo;
      // The bias's gradient as the Sum kernel makes it (the composite's bits).
      return bias ? [filter, backend.output(sumLeading(backend.values(dz), outC), [outC], 'float32')] : [filter];
    } finally {
      backend.disposeData(dz.dataId);
    }
  },
};
