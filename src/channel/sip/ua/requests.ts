import { serializeMessage } from '../grammar/index.ts';
import type { NameAddr, SipRequest, SipUri } from '../grammar/message.ts';
import type { Dialog } from './dialog.ts';
import { token } from './dialog.ts';
import { MAGIC_COOKIE } from '../core/transaction-layer.ts';

export function formatUri(uri: SipUri): string {
  const user = uri.user !== null ? `${uri.user}@` : '';
  const host = uri.host.includes(':') && !uri.host.startsWith('[') ? `[${uri.host}]` : uri.host;
  const port = uri.port !== null ? `:${uri.port}` : '';
  const params = Object.entries(uri.params)
    .map(([k, v]) => (v === null ? `;${k}` : `;${k}=${v}`))
    .join('');
  return `${uri.scheme}:${user}${host}${port}${params}`;
}

export function formatNameAddr(addr: NameAddr): string {
  const name = addr.displayName ? `"${addr.displayName.replace(/["\\]/g, '\\$&')}" ` : '';
  const params = Object.entries(addr.params)
    .map(([k, v]) => (v === null ? `;${k}` : `;${k}=${v}`))
    .join('');
  return `${name}<${formatUri(addr.uri)}>${params}`;
}

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
): { data: Buffer; branch: string } {
  const branch = `${MAGIC_COOKIE}${token(10)}`;
  const host = via.host.includes(':') ? `[${via.host}]` : via.host;
  const headers: [string, string][] = [
    ['Via', `SIP/2.0/${via.transport.toUpperCase()} ${host}:${via.port};branch=${branch};rport`],
    ['Max-Forwards', '70'],
    ['From', formatNameAddr({ ...dialog.local, params: { ...dialog.local.params, tag: dialog.localTag } })],
    ['To', formatNameAddr({ ...dialog.remote, params: { ...dialog.remote.params, tag: dialog.remoteTag } })],
    ['Call-ID', dialog.callId],
    ['CSeq', `${dialog.nextSeq()} ${method}`],
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
