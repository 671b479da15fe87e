export { startCall, step, type CallPreset } from './interpreter.ts';
export { loadFlows, DEFAULT_FLOWS_DIR } from './loader.ts';
export { renderPrompts } from './prompts.ts';
export { OUTCOMES, SERVICES, isOutcome, isSuccess, type Outcome, type ServiceName } from './outcomes.ts';
export type {
  Effect,
  FlowBundle,
  FlowEvent,
  IdentifyResult,
  PlayedPrompt,
  ServiceResult,
  Snapshot,
  StepResult,
  TransferResult,
  VerifyResult,
} from './types.ts';
export type { FlowDefinition, NodeDefinition } from './schema.ts';
