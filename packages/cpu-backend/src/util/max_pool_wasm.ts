import type { WindowGeometry } from './window.js';
import { vectorInstance } from './vector_wasm.js';

/** Floats of images staged per call: about 1 MiB with their outputs, whatever the batch. */
const STAGE_FLOATS = 1 << 18;

/**
 * MaxPool on WebAssembly SIMD (`maxpool` in src/wasm/vector.wat), for channels in whole
 * vectors (`inC % 4 === 0`): copies a group of images in, pools them (maxima into `out`,
 * their flat input indices into `at`), copies the results out, group after group.
 */
export function maxPoolWasm(g: WindowGeometry, x: Float32Array, out: Float32Array, at: Int32Array): void {
  const { batch, inH, inW, inC: C, outH, outW } = g;
  const inPer = inH * inW * C;
  const outPer = outH * outW * C;
  const group = Math.max(1, Math.min(batch, Math.floor(STAGE_FLOATS / Math.max(1, inPer + 2 * outPer))));
  const { exports, heap } = vectorInstance(group * (inPer + 2 * outPer) * 4);
  const [xAt, outAt, atAt] = [0, group * inPer, group * (inPer + outPer)];
  const atView = new Int32Array(heap.buffer, atAt * 4, group * outPer);
  for (let n0 = 0; n0 < batch; n0 += group) {
    const images = Math.min(group, batch - n0);
    heap.set(x.subarray(n0 * inPer, (n0 + images) * inPer), xAt);
    exports.maxpool(xAt * 4, outAt * 4, atAt * 4, images, inH, inW, C, outH, outW, g.kh, g.kw, g.sh, g.sw, g.top, g.left, n0 * inPer);
    out.set(heap.subarray(outAt, outAt + images * outPer), n0 * outPer);
    at.set(atView.subarray(0, images * outPer), n0 * outPer);
  }
}
