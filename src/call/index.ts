export type { CallChannel, CallInput, ListenInfo, RenderedPrompt } from './channel.ts';
export { createLine, flowFor, type Line } from './line.ts';
export { CallSession, type SessionDeps } from './session.ts';
export { CallRecords, type CallFilter, type CallRecord, type PathStep, type TranscriptEntry } from './records.ts';
export type { AgentDirectory, IdentityPort, ServiceAnswer, ServiceRequest, ServicesPort } from './ports.ts';
