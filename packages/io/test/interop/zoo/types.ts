// One model of the interop zoo, written in both libraries: the suite saves each side's model in
// every file kind and loads it with the other library's defaults, then compares predictions.
import type { Model, SymbolicTensor } from '@tessera/layers';

/** How the suite draws an input batch for one model input. */
export type ZooInput =
  /** Shape without the batch axis; values are seeded standard normals (float32). */
  | { shape: number[] }
  /** Shape without the batch axis; values are seeded integers in [0, below) (for Embedding). */
  | { shape: number[]; below: number };

/** A zoo entry: the same model in TypeScript and in Keras 3's Python. */
export interface ZooEntry {
  /** Unique snake_case name; also the stem of the files the suite writes. */
  readonly name: string;
  /** The Keras class names of the layers this entry covers (counted for the coverage test). */
  readonly covers: readonly string[];
  /** One per model input, in the model's input order. */
  readonly inputs: readonly ZooInput[];
  /** Builds the Tessera model (weights are randomized by the suite with a seed). */
  build(): Model;
  /**
   * Python that builds the same model with Keras 3: it runs with `keras` and `np` imported and
   * must assign `model`. Weights are randomized by the suite, so initializers do not matter.
   */
  readonly keras: string;
  /** Relative tolerance of predictions (default 1e-5). */
  readonly rtol?: number;
  /**
   * File kinds Keras itself fails on for this model (it cannot write them, or reads its own file
   * back wrong), with the reason. The suite checks that Keras still fails on its own file of that
   * kind and judges the model on the other kinds; Tessera still reads any such file Keras wrote.
   */
  readonly skipKinds?: Partial<Record<'keras' | 'h5' | 'weights.h5' | 'json', string>>;
}

/** Calls a layer on symbolic tensors in a functional graph, typed for the zoo's builders. */
export const on = (layer: { apply(x: never): unknown }, x: SymbolicTensor | SymbolicTensor[]) => layer.apply(x as never) as SymbolicTensor;
