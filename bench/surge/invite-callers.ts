import { readPcapUdp } from '../sip/pcap-udp.ts';

/**
 * Call-ID → the From user of its INVITE, from a capture of the line's SIP
 * port: what ties a call seen on the wire to the line's record of it (the
 * record keeps the caller, not the SIP Call-ID).
 *
 * @example
 *   const callers = await inviteCallers('/tmp/surge.pcap', 5060); // Map { '1-4242@127.0.0.1' => '+346101', … }
 */
export async function inviteCallers(file: string, sipPort: number): Promise<Map<string, string>> {
  const callers = new Map<string, string>();
  await readPcapUdp(file, (d) => {
    if (d.dstPort !== sipPort || d.payload.length < 7 || d.payload.toString('latin1', 0, 7) !== 'INVITE ') return;
    const text = d.payload.toString('latin1');
    const end = text.indexOf('\r\n\r\n');
    const head = end >= 0 ? text.slice(0, end) : text;
    const callId = /^(?:call-id|i)\s*:\s*(\S+)/im.exec(head)?.[1];
    const from = /^(?:from|f)\s*:[^\r\n]*<sips?:([^@>]+)@/im.exec(head)?.[1];
    if (callId && from && !callers.has(callId)) callers.set(callId, from);
  });
  return callers;
}
