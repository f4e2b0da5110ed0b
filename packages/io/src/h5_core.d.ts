// Types of h5_core.js (plain JavaScript so that the worker runs without a TypeScript loader).
export declare class H5CoreError extends Error {
  constructor(code: string, message: string);
  code: string;
}
export declare function findSignature(bytes: Uint8Array): number;
export declare function readTree(
  h5: unknown,
  bytes: Uint8Array,
  limits?: { maxNodes?: number; maxDepth?: number; maxDataBytes?: number; skip?: string[]; simulateStallMs?: number },
  progress?: () => void,
): Promise<unknown>;
export declare function writeTree(h5: unknown, tree: unknown): Promise<Uint8Array>;
export declare function isFatal(e: unknown): boolean;
export declare function heapBytes(h5: unknown): Promise<number>;
export declare const poisoned: boolean;
