import { formatNameAddr, formatUri, serializeMessage } from '../grammar/index.ts';
import type { SipRequest } from '../grammar/message.ts';
import type { Dialog } from './dialog.ts';
import { token } from './dialog.ts';
import { MAGIC_COOKIE } from '../core/transaction-layer.ts';

/**
 * Builds a request inside a dialog (RFC 3261 §12.2.1.1): Request-URI the
 * remote target, Route from the route set, our tag in From, theirs in To, a
 * fresh branch and the dialog's next CSeq.
 */
export function dialogRequest(
  dialog: Dialog,
  method: string,
  via: { transport: string; host: string; port: number },
  extra: [string, string][] = [],
  body?: { type: string; data: Buffer },
  /** The CSeq number, when it is not the dialog's next one (the ACK for a 2xx carries the INVITE's: RFC 3261 §13.2.2.4). */
  seq?: number,
): { data: Buffer; branch: string } {
  const branch = `${MAGIC_COOKIE}${token(10)}`;
  const host = bracketIpv6(via.host);
  const headers: [string, string][] = [
    ['Via', `SIP/2.0/${via.transport.toUpperCase()} ${host}:${via.port};branch=${branch};rport`],
    ['Max-Forwards', '70'],
    ['From', formatNameAddr({ ...dialog.local, params: { ...dialog.local.params, tag: dialog.localTag } })],
    // An RFC 2543 caller may have sent no From tag: then our To has none either (an empty `tag=` does not parse).
    ['To', formatNameAddr(dialog.remoteTag === '' ? dialog.remote : { ...dialog.remote, params: { ...dialog.remote.params, tag: dialog.remoteTag } })],
    ['Call-ID', dialog.callId],
    ['CSeq', `${seq ?? dialog.nextSeq()} ${method}`],
    ...dialog.routeSet.map((r): [string, string] => ['Route', r]),
    ['User-Agent', 'Clave'],
    ...extra,
  ];
  if (body) headers.push(['Content-Type', body.type]);
  const request: SipRequest = {
    kind: 'request',
    method,
    uri: dialog.remoteTarget,
    rawUri: formatUri(dialog.remoteTarget),
    version: 'SIP/2.0',
    headers,
    body: body?.data ?? Buffer.alloc(0),
  };
  return { data: serializeMessage(request), branch };
}

/** An IPv6 address as a host (RFC 3261 §25.1 IPv6reference), brackets added once. */
export function bracketIpv6(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}
