// Types of scripts/keras-venv.mjs for the TypeScript that imports it (bench, io tests).
export declare const KERAS_REQUIREMENTS: string[];
export declare function kerasVenvDir(): string;
export declare function kerasPython(): string;
