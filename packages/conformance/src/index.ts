export { describeBackend, type DescribeBackendOptions } from './describe_backend.js';
export { coverageTable } from './coverage.js';
export { CASES, caseTableGaps } from './cases/index.js';
export type { ErrorCase, ErrorClass, GradCase, InputSpec, KernelCases, Tolerance, ValueCase } from './cases/types.js';
export { DEFAULT_TOLERANCE, type SuiteTolerance } from './runner/context.js';
