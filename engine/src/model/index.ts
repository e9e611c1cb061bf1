export { type CompileResult, compileBpmn } from './compile.js';
export type { DeployIssueCode } from './issues.js';
export { boundaryEventsOf, elementOf, flowsIn, flowsOut } from './model-index.js';
export * from './types.js';
