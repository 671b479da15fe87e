import { eventForKey, serializeRtp, serializeTelephoneEvent } from '../../media/index.ts';
import type { UdpPeer } from './udp-peer.ts';

/**
 * A callee's 200 OK SDP from 127.0.0.1:`port`, answering Clave's offer
 * with one law (0 = PCMU, 8 = PCMA) and, unless `events` is false,
 * telephone-event at the offered 101.
 *
 * @example
 *   session.accept(calleeAnswer(peer.port, 8)); // RTP goes to the peer as PCMA
 */
export function calleeAnswer(port: number, pt: 0 | 8, events = true): string {
  return [
    'v=0', 'o=callee 1 1 IN IP4 127.0.0.1', 's=-', 'c=IN IP4 127.0.0.1', 't=0 0',
    `m=audio ${port} RTP/AVP ${pt}${events ? ' 101' : ''}`, `a=rtpmap:${pt} ${pt === 0 ? 'PCMU' : 'PCMA'}/8000`,
    ...(events ? ['a=rtpmap:101 telephone-event/8000', 'a=fmtp:101 0-15'] : []), 'a=sendrecv', '',
  ].join('\r\n');
}

/** RFC 4733 §2.5.1: a key as a start packet, an update, then the end packet three times, all at the event's timestamp. */
export async function pressKey(peer: UdpPeer, to: number, key: string, seq: number, pt = 101): Promise<void> {
  const event = eventForKey(key)!;
  const packets = [
    serializeTelephoneEvent({ event, end: false, volume: 10, duration: 400 }),
    serializeTelephoneEvent({ event, end: false, volume: 10, duration: 800 }),
    ...Array.from({ length: 3 }, () => serializeTelephoneEvent({ event, end: true, volume: 10, duration: 800 })),
  ];
  for (const [i, payload] of packets.entries()) {
    await peer.send(serializeRtp({ marker: i === 0, payloadType: pt, sequenceNumber: seq + i, timestamp: seq * 160, ssrc: 0xca11ee, payload }), to);
  }
}
