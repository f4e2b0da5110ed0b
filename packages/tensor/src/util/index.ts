export * from './shape.js';
export * from './dtype.js';
export * from './conv.js';
