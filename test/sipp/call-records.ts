import type { CallRecord } from '../../src/call/index.ts';
import { eventually, type TestLine } from '../support/line.ts';

/** The keys a call's transcript recorded, one entry per input node (a PIN shows as ****). */
export function keysOf(record: CallRecord): string[] {
  return record.transcript.flatMap((e) => (e.type === 'keys' ? [e.value] : []));
}

export function promptsOf(record: CallRecord): string[] {
  return record.transcript.flatMap((e) => (e.type === 'prompt' ? [e.id] : []));
}

/**
 * The ended SIP call from `caller` whose first keys were `menu`, as
 * GET /api/calls shows it. Several calls from one customer may run at once
 * (María's three services): the menu choices tell them apart.
 *
 * @example
 *   const record = await endedSipCall(line, { caller: '+34600111222', menu: ['2', '2'] });
 */
export async function endedSipCall(line: TestLine, opts: { caller: string; menu?: string[]; ms?: number }): Promise<CallRecord> {
  const menu = opts.menu ?? [];
  let seen: CallRecord[] = [];
  try {
    return await eventually(async () => {
      seen = await line.api<CallRecord[]>(`/api/calls?from=${encodeURIComponent(opts.caller)}&state=ended`);
      return seen.find((c) => c.channel === 'sip' && menu.every((k, i) => keysOf(c)[i] === k));
    }, opts.ms ?? 15_000);
  } catch {
    const summary = seen.map((c) => `${c.channel} ${c.outcome ?? '-'} keys=${keysOf(c).join(',')}`).join('; ');
    throw new Error(`no ended SIP call from ${opts.caller} with menu keys ${menu.join(',')} (ended calls: ${summary || 'none'})`);
  }
}

/** Whether any call from `caller` was recorded at all (ended or live). */
export async function callsFrom(line: TestLine, caller: string): Promise<CallRecord[]> {
  return line.api<CallRecord[]>(`/api/calls?from=${encodeURIComponent(caller)}`);
}
