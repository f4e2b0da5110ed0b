export * from './ref_tensor.js';
export * from './broadcast.js';
export * from './scalar.js';
export * from './reduce.js';
export * from './matmul.js';
export * from './shape.js';
export * from './gather.js';
export * from './cast.js';
