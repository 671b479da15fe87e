import type { Sensitive } from '../shared/index.ts';
import type { Outcome, ServiceName } from './outcomes.ts';
import type { FlowDefinition, NodeDefinition, PromptRef } from './schema.ts';

/** A prompt as the caller hears it, and as the transcript keeps it. */
export interface PlayedPrompt {
  id: string;
  text: string;
  params: Record<string, string>;
  /** The same text with secret parameters masked: what records may keep. */
  maskedText: string;
  maskedParams: Record<string, string>;
  /** Spoken in this language rather than the call's (an announcement's text that fell back). */
  language?: string;
}

/** All flows of a deployment, their prompt catalogs and the dialed-number map. */
export interface FlowBundle {
  flows: ReadonlyMap<string, FlowDefinition>;
  /** language → prompt id → text with {param} placeholders */
  catalogs: ReadonlyMap<string, Readonly<Record<string, string>>>;
  /** dialed number → flow id */
  numbers: ReadonlyMap<string, string>;
  defaultLanguage: string;
}

export interface InputState {
  /** Digits gathered by the node listening now. */
  buffer: string;
  /** Play currently sounding for this node, if any. */
  playId: number | null;
  timerId: number | null;
  timerKind: 'noInput' | 'interDigit' | null;
  /** Tries used at this node (silence or invalid input). */
  tries: number;
}

export interface Snapshot {
  flowId: string;
  nodeId: string;
  language: string;
  callerId: string;
  dialed: string;
  /** Non-secret values gathered or learnt (docType, reference, amount…). */
  vars: Record<string, string>;
  /**
   * Secrets (PIN digits, a signing key) live here only between the key
   * press that completes them and the effect that consumes them.
   */
  secrets: Record<string, Sensitive<string>>;
  customerId: string | null;
  /** Keys pressed while the line was not listening (type-ahead). */
  typeahead: string;
  input: InputState;
  /** Request awaiting a result, if any. */
  pending: { requestId: number; kind: PendingKind } | null;
  verifyFailures: number;
  outcome: Outcome | null;
  /** The caller hung up while a service was in flight: end once it answers. */
  hungUp: boolean;
  ended: boolean;
  path: string[];
  seq: number;
}

export type PendingKind = 'identify' | 'verify' | 'service' | 'transfer' | 'announce';

export type IdentifyResult = 'identified' | 'customer_not_found' | 'caller_not_registered' | 'verification_locked' | 'unavailable';
export type VerifyResult = 'verified' | 'failed' | 'locked' | 'unavailable';
export type TransferResult = 'completed' | 'refused' | 'unavailable';

export type ServiceResult =
  | { outcome: Outcome; vars?: Record<string, string>; secrets?: Record<string, Sensitive<string>> };

export type FlowEvent =
  | { type: 'start' }
  | { type: 'digit'; key: string }
  | { type: 'promptEnded'; playId: number }
  | { type: 'timer'; timerId: number }
  | { type: 'identified'; requestId: number; result: IdentifyResult; customerId?: string }
  | { type: 'verified'; requestId: number; result: VerifyResult }
  | { type: 'serviceDone'; requestId: number; result: ServiceResult }
  | { type: 'transferred'; requestId: number; result: TransferResult }
  /** The announcement for this call (no prompts: nothing concerns it). */
  | { type: 'announced'; requestId: number; prompts: PlayedPrompt[] }
  | { type: 'hangup' };

export type Effect =
  | { type: 'play'; playId: number; prompts: PlayedPrompt[]; bargeIn: boolean; language: string }
  | { type: 'stopPlay'; playId: number }
  | { type: 'listen'; node: string; kind: 'menu' | 'collect'; maxDigits: number; secret: boolean }
  | { type: 'startTimer'; timerId: number; ms: number }
  | { type: 'cancelTimer'; timerId: number }
  | { type: 'identify'; requestId: number; document: { type: 'DNI' | 'NIE'; digits: string; niePrefix?: string } }
  | { type: 'verify'; requestId: number; customerId: string; cardLast4: string; pin: Sensitive<string> }
  | { type: 'service'; requestId: number; service: ServiceName; customerId: string; language: string; reference?: string }
  | { type: 'transfer'; requestId: number; target: string }
  /** A caller's report of a failing service (fire and forget: the flow moves on). */
  | { type: 'report'; component: string; dialed: string; callerId: string }
  /** Look up what to announce to this call; answered by an `announced` event. */
  | { type: 'announce'; requestId: number; language: string; dialed: string; callerId: string }
  | { type: 'input'; node: string; value: string; secret: boolean }
  | { type: 'end'; outcome: Outcome; by: 'line' | 'caller' };

export interface StepResult {
  snapshot: Snapshot;
  effects: Effect[];
}

/** What a node kind's handlers get: the bundle, and helpers to move on. */
export interface NodeContext {
  bundle: FlowBundle;
  flow: FlowDefinition;
  node: NodeDefinition;
}

export type { FlowDefinition, NodeDefinition, PromptRef };
