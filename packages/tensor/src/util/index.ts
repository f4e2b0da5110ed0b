export * from './shape.js';
export * from './dtype.js';
