import type { CallTrace } from '../sip/call-traces.ts';

export type Phase = 'normal' | 'surge' | 'after';

/** What a call got from the line. */
export type CallFate =
  /** Answered and ran the flow. */
  | 'admitted'
  /** Answered with the short spoken refusal and hung up on (refused_at_capacity). */
  | 'told'
  /** Refused with 503. */
  | 'refused'
  /** Another final answer, or none. */
  | 'other';

/** The line's record of a call, as its store keeps it. */
export interface StoredCall {
  caller: string;
  outcome: string | null;
  startedAt: number;
  endedAt: number | null;
}

export interface SurgeCall {
  callId: string;
  from: string;
  phase: Phase;
  inviteAt: number;
  fate: CallFate;
  finalStatus: number | null;
  /** Admitted calls: the scenario went through (REFER, the line's BYE answered) and the line recorded the transfer. */
  completed: boolean;
  outcome: string | null;
  okAt: number | null;
  endAt: number | null;
  /** Each RFC 4733 press (its first packet) → the next prompt's first packet, ms. */
  digitMs: number[];
  /** The SIP INFO key → the next prompt's first packet, ms. */
  infoMs: number | null;
}

/**
 * Puts each call of the capture in its phase (by the time of its INVITE)
 * and says what it got: admitted, told (the spoken refusal, known from the
 * line's record: outcome refused_at_capacity), refused (503) or other; an
 * admitted call is complete when the capture shows its REFER and the 200 to
 * the line's BYE, and the line recorded transferred_to_agent.
 *
 * @example
 *   const calls = surgeCalls(traces.calls, callers, stored, { surgeStart, surgeEnd });
 *   calls.filter((c) => c.phase === 'surge' && c.fate === 'admitted' && !c.completed); // dropped after admission
 */
export function surgeCalls(
  traces: CallTrace[],
  callers: ReadonlyMap<string, string>,
  stored: ReadonlyMap<string, StoredCall>,
  window: { surgeStart: number; surgeEnd: number },
): SurgeCall[] {
  const calls: SurgeCall[] = [];
  for (const t of traces) {
    if (t.inviteAt === null) continue;
    const from = callers.get(t.callId) ?? '';
    const record = stored.get(from);
    const phase: Phase = t.inviteAt < window.surgeStart ? 'normal' : t.inviteAt <= window.surgeEnd ? 'surge' : 'after';
    const fate: CallFate =
      t.finalStatus === 503 ? 'refused' : t.finalStatus !== 200 ? 'other' : record?.outcome === 'refused_at_capacity' ? 'told' : 'admitted';
    const markers = t.out?.markers ?? [];
    const nextPrompt = (at: number) => markers.find((m) => m > at);
    const digitMs: number[] = [];
    for (const press of t.dtmf) {
      const prompt = nextPrompt(press.firstAt);
      if (prompt !== undefined) digitMs.push(prompt - press.firstAt);
    }
    const infoPrompt = t.infoAt === null ? undefined : nextPrompt(t.infoAt);
    calls.push({
      callId: t.callId, from, phase, inviteAt: t.inviteAt, fate, finalStatus: t.finalStatus,
      completed: fate === 'admitted' && t.referAt !== null && t.byeOkAt !== null && record?.outcome === 'transferred_to_agent',
      outcome: record?.outcome ?? null,
      okAt: t.okAt,
      endAt: t.byeOkAt ?? t.byeAt,
      digitMs,
      infoMs: t.infoAt !== null && infoPrompt !== undefined ? infoPrompt - t.infoAt : null,
    });
  }
  return calls.sort((a, b) => a.inviteAt - b.inviteAt);
}
