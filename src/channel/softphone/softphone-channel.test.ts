import { describe, expect, it } from 'vitest';
import type { ServerMessage } from './protocol.ts';
import { SoftphoneChannel } from './softphone-channel.ts';

const tick = () => new Promise<void>((r) => setImmediate(r));

function channel() {
  const sent: ServerMessage[] = [];
  const ended: number[] = [];
  return { sent, ended, ch: new SoftphoneChannel((m) => sent.push(m), (id) => ended.push(id)) };
}

describe('SoftphoneChannel', () => {
  it('sends one prompt message per prompt and reports the play ended on the next tick', async () => {
    const { sent, ended, ch } = channel();
    ch.play(7, [{ id: 'a', text: 'A', params: {} }, { id: 'b', text: 'B {x}', params: { x: '1' } }], { bargeIn: true, language: 'es' });
    expect(sent).toEqual([
      { type: 'prompt', id: 'a', text: 'A', params: {}, language: 'es' },
      { type: 'prompt', id: 'b', text: 'B {x}', params: { x: '1' }, language: 'es' },
    ]);
    expect(ended).toEqual([]);
    await tick();
    expect(ended).toEqual([7]);
  });

  it('reports nothing for a play stopped before its end (barge-in) or after close', async () => {
    const { ended, ch } = channel();
    ch.play(1, [{ id: 'a', text: 'A', params: {} }], { bargeIn: true, language: 'en' });
    ch.stopPlay(1);
    ch.play(2, [{ id: 'b', text: 'B', params: {} }], { bargeIn: true, language: 'en' });
    ch.close();
    await tick();
    expect(ended).toEqual([]);
  });

  it('sends listen, transfer (completed) and the line hangup', async () => {
    const { sent, ch } = channel();
    ch.listen({ node: 'menu', kind: 'menu', maxDigits: 1 });
    await expect(ch.transfer('+34911111111')).resolves.toBe('completed');
    ch.hangup('transferred_to_agent');
    expect(sent).toEqual([
      { type: 'listen', node: 'menu', kind: 'menu', maxDigits: 1 },
      { type: 'transfer', target: '+34911111111' },
      { type: 'hangup', by: 'line' },
    ]);
    expect(ch.kind).toBe('softphone');
  });
});
