/** One thing that happened on a softphone call, as the caller saw it. */
export type CallEvent =
  | { type: 'prompt'; id: string; text: string; params: Record<string, string> }
  | { type: 'keys'; value: string }
  | { type: 'transfer'; target: string }
  | { type: 'hangup'; by: 'line' | 'caller' };

/** A finished call: what `clave call --json` prints and runScriptedCall resolves with. */
export interface CallResult {
  callId: string;
  outcome: string;
  language: string;
  /** In order; `keys` holds one key per event. */
  events: CallEvent[];
}
