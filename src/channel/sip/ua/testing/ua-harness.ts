import type { AdmissionOptions } from '../../../../call/index.ts';
import { createLogger } from '../../../../log/index.ts';
import { SimulatedClock } from '../../../../shared/index.ts';
import type { SipMessage, SipResponse } from '../../grammar/message.ts';
import { MemoryTransport } from '../../core/memory-transport.ts';
import { TransactionLayer } from '../../core/transaction-layer.ts';
import type { Peer } from '../../core/transport.ts';
import type { OutboundTrunk } from '../outbound-calls.ts';
import { UserAgent } from '../user-agent.ts';
import { FakeLinePort } from './fake-line.ts';
import { FakeMediaFactory } from './fake-media.ts';
import { TestCaller, type InviteOptions } from './test-caller.ts';

/** The UA's own address in the tests. */
export const UA_HOST = '198.51.100.1';
export const UA_PORT = 5060;

/**
 * A UserAgent on a real TransactionLayer, over an in-memory transport, with
 * a simulated clock, fake media and a fake line: the in-process tier of the
 * SIP tests. `send` delivers a message as if it came from the caller.
 *
 * @example
 *   const h = uaHarness();
 *   const { ok } = await h.call(new TestCaller());
 *   h.send(caller.ack(ok));
 */
export function uaHarness(opts: { trusted?: string[]; numbers?: string[]; admission?: AdmissionOptions; trunk?: OutboundTrunk } = {}) {
  const clock = new SimulatedClock();
  const start = clock.now();
  const wire = new MemoryTransport(clock);
  const media = new FakeMediaFactory();
  const line = new FakeLinePort(opts.numbers ?? ['900100200'], opts.admission);
  const ref: { layer?: TransactionLayer } = {};
  /** What the UA logged, one JSON line each (tests check that no secret is among them). */
  const logs: string[] = [];
  const ua = new UserAgent({
    clock,
    logger: createLogger({ level: 'debug', destination: { write: (line: string) => logs.push(line) } }),
    layer: () => ref.layer!,
    transports: { udp: wire, tcp: wire },
    media,
    line,
    host: UA_HOST,
    port: UA_PORT,
    trustedPeers: new Set(opts.trusted ?? []),
    trunk: opts.trunk ?? null,
  });
  const layer = new TransactionLayer({ clock, transport: wire, tu: ua });
  ref.layer = layer;

  const send = (message: SipMessage, source: Peer = { protocol: 'udp', address: '192.0.2.10', port: 5060 }): void => layer.receive({ message, source });
  /** Responses the UA sent for a CSeq method, in order. */
  const responses = (method: string): SipResponse[] => wire.responses().filter((r) => (r.headers.find(([n]) => n.toLowerCase() === 'cseq')?.[1] ?? '').endsWith(` ${method}`));

  /** INVITE from `caller`, let the media factory answer; returns the 2xx (throws without one). */
  const call = async (caller: TestCaller, o: InviteOptions = {}) => {
    const invite = caller.invite(o);
    send(invite, caller.peer);
    await clock.advance(0);
    const ok = responses('INVITE').find((r) => r.status === 200);
    if (!ok) throw new Error(`no 200 to the INVITE: ${responses('INVITE').map((r) => r.status).join(', ')}`);
    return { invite, ok };
  };

  /** INVITE, 200, ACK: the line has the call. */
  const live = async (caller: TestCaller = new TestCaller(), o: InviteOptions = {}) => {
    const { invite, ok } = await call(caller, o);
    send(caller.ack(ok), caller.peer);
    await clock.advance(0);
    const input = line.calls.at(-1);
    const sipCall = [...ua.calls.values()].at(-1);
    if (!input || !sipCall) throw new Error('the ACK did not start the call');
    return { invite, ok, input, sipCall, caller };
  };

  return { clock, start, wire, media, line, ua, layer, send, responses, call, live, logs };
}
