import type { ServerMessage } from './protocol.ts';
import type { SoftphoneCallChannel, SoftphoneListenInfo, SoftphonePrompt } from './line-like.ts';

/**
 * Carries a session's media effects to one WebSocket caller. A softphone has
 * no audio: a prompt is "heard" once it is on the caller's screen, so the
 * play ends on the next event-loop turn after its prompts were sent.
 *
 * @example
 *   const channel = new SoftphoneChannel((msg) => socket.send(JSON.stringify(msg)), (id) => input.promptEnded(id));
 *   channel.play(1, [{ id: 'welcome', text: 'Welcome', params: {} }], { bargeIn: true, language: 'en' });
 */
export class SoftphoneChannel implements SoftphoneCallChannel {
  readonly kind = 'softphone' as const;
  readonly #send: (msg: ServerMessage) => void;
  readonly #promptEnded: (playId: number) => void;
  /** Plays whose promptEnded report is still due; stopPlay and close cancel it. */
  readonly #playing = new Set<number>();

  constructor(send: (msg: ServerMessage) => void, promptEnded: (playId: number) => void) {
    this.#send = send;
    this.#promptEnded = promptEnded;
  }

  play(playId: number, prompts: SoftphonePrompt[], opts: { bargeIn: boolean; language: string }): void {
    for (const p of prompts) {
      this.#send({ type: 'prompt', id: p.id, text: p.text, params: p.params, language: p.language ?? opts.language });
    }
    this.#playing.add(playId);
    // Event-loop time, not call time: a simulated Clock must not hold a prompt on screen.
    setImmediate(() => {
      if (this.#playing.delete(playId)) this.#promptEnded(playId);
    });
  }

  /** The prompts are already on screen; all there is to stop is the end report. */
  stopPlay(playId: number): void {
    this.#playing.delete(playId);
  }

  listen(info: SoftphoneListenInfo): void {
    const msg: ServerMessage = { type: 'listen', node: info.node, kind: info.kind, maxDigits: info.maxDigits };
    if (info.secret === true) msg.secret = true;
    this.#send(msg);
  }

  /** The softphone has no far end to refuse: the caller is told and the transfer counts as done. */
  transfer(target: string): Promise<'completed' | 'refused'> {
    this.#send({ type: 'transfer', target });
    return Promise.resolve('completed');
  }

  /** The outcome travels in `ended`, sent once the session has recorded the call. */
  hangup(_outcome: string): void {
    this.#send({ type: 'hangup', by: 'line' });
  }

  /** Drops pending end reports once the call is over. Idempotent. */
  close(): void {
    this.#playing.clear();
  }
}
