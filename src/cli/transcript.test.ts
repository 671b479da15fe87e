import { describe, expect, it } from 'vitest';
import { Transcript } from './transcript.ts';

describe('Transcript', () => {
  it('masks keys typed at a secret listen, and only there', () => {
    const lines: string[] = [];
    const t = new Transcript((l) => lines.push(l));
    t.message({ type: 'listen', node: 'pin', kind: 'collect', maxDigits: 4, secret: true });
    t.event({ type: 'keys', value: '2' });
    t.message({ type: 'listen', node: 'pin_menu', kind: 'menu', maxDigits: 1, secret: false });
    t.event({ type: 'keys', value: '3' });
    t.message({ type: 'listen', node: 'code', kind: 'collect', maxDigits: 6, secret: true });
    t.event({ type: 'keys', value: '4' });
    t.event({ type: 'transfer', target: 'agent' });
    t.end({ callId: 'c1', outcome: 'transferred_to_agent', language: 'es', events: [] });
    expect(lines).toEqual(['you   *', 'you   3', 'you   *', 'line  (transfers the call to agent)', 'Call c1 ended: transferred_to_agent (language es)']);
  });
});
