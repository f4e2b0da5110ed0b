import { ShapeError, util, type Shape } from '@tessera/tensor';

/** For each output index along one axis, the input index a nearest-neighbour resize reads. */
export function nearestMap(inSize: number, outSize: number, alignCorners: boolean, halfPixelCenters: boolean): Int32Array {
  const scale = util.resizeScale(inSize, outSize, alignCorners);
  const map = new Int32Array(outSize);
  for (let i = 0; i < outSize; i++) map[i] = util.nearestSourceIndex(i, scale, inSize, alignCorners, halfPixelCenters);
  return map;
}

/** For each output index along one axis, the two input indices a bilinear resize reads and the weight of the upper one. */
export interface BilinearMap {
  readonly lower: Int32Array;
  readonly upper: Int32Array;
  readonly lerp: Float64Array;
}

export function bilinearMap(inSize: number, outSize: number, alignCorners: boolean, halfPixelCenters: boolean): BilinearMap {
  const scale = util.resizeScale(inSize, outSize, alignCorners);
  const lower = new Int32Array(outSize);
  const upper = new Int32Array(outSize);
  const lerp = new Float64Array(outSize);
  for (let i = 0; i < outSize; i++) [lower[i], upper[i], lerp[i]] = util.bilinearSource(i, scale, inSize, halfPixelCenters);
  return { lower, upper, lerp };
}

/** Checks the image shapes of a resize or its gradient: NHWC, the same batch and channels, a non-empty source. */
export function checkResizeShapes(kernelName: string, source: Shape, resized: Shape): void {
  const ok = source.length === 4 && resized.length === 4 && source[0] === resized[0] && source[3] === resized[3];
  const empty = source[1] === 0 || source[2] === 0;
  if (!ok || (empty && resized[1] * resized[2] > 0)) {
    throw new ShapeError(
      `${kernelName} (cpu): expected NHWC images of the same batch and channels, the source not empty, ` +
        `but got source ${util.formatShape(source)} and resized ${util.formatShape(resized)}`,
    );
  }
}
