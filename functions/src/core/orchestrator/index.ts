export { runEngines, EngineTimeoutError, type EngineRun, type RunContext } from './run-engines';
export { validateEngineOutput, type OutputValidation } from './validate-output';
