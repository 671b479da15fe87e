import { describe, expect, it } from 'vitest';
import { getHeader, getHeaders } from './headers.ts';
import type { SipMessage, SipRequest } from './message.ts';
import { parseNameAddr } from './name-addr.ts';
import { parseMessage } from './parse.ts';
import { responseTo } from './response-to.ts';
import { serializeMessage } from './serialize.ts';
import { COMPACT, RFC3261_INVITE, RFC3665_INVITE, RFC_EXAMPLES } from './test-examples.ts';
import { parseUri } from './uri.ts';

function parse(text: string): SipMessage {
  const r = parseMessage(Buffer.from(text));
  if (!r.ok) throw new Error(r.error.code);
  return r.message;
}
function parseRequest(text: string): SipRequest {
  const m = parse(text);
  if (m.kind !== 'request') throw new Error('not a request');
  return m;
}

describe('serializeMessage', () => {
  it.each(Object.entries(RFC_EXAMPLES))('gives back %s byte for byte', (_name, text) => {
    expect(serializeMessage(parse(text)).toString('utf8')).toBe(text);
  });

  it('writes a folded, compact, LF-only message canonically and the result parses the same', () => {
    const messy = COMPACT.replace('f: "Doe, Jane"', 'f:\r\n   "Doe, Jane"').replaceAll('\r\n', '\n');
    const parsed = parse(messy);
    const out = serializeMessage(parsed).toString('utf8');
    expect(out).toContain('\r\nf: "Doe, Jane" <sip:jane@example.com>;tag=f1\r\n');
    expect(out).not.toMatch(/[^\r]\n/);
    expect(out.endsWith('\r\nl: 5\r\n\r\nhello')).toBe(true);
    expect(parse(out)).toEqual(parsed);
  });

  it('always writes one Content-Length equal to the body', () => {
    const req = parseRequest(RFC3665_INVITE);
    const longer = { ...req, body: Buffer.from('v=0\r\n') };
    expect(serializeMessage(longer).toString()).toContain('\r\nContent-Length: 5\r\n\r\nv=0\r\n');
    const noLength = { ...req, headers: req.headers.filter(([n]) => n !== 'Content-Length') };
    expect(serializeMessage(noLength).toString()).toMatch(/a=rtpmap:0 PCMU\/8000\r\n$/);
    expect(serializeMessage(noLength).toString()).toContain('Content-Type: application/sdp\r\nContent-Length: 151\r\n\r\n');
    const twice = { ...req, headers: [...req.headers, ['l', '9'] as [string, string]] };
    expect(getHeaders(parse(serializeMessage(twice).toString()), 'Content-Length')).toEqual(['151']);
  });

  it('writes the Request-URI from uri and upper-cases the version', () => {
    const req = { ...parseRequest(RFC3261_INVITE), uri: parseUri('sip:bob@192.0.2.4'), version: 'sip/2.0' };
    expect(serializeMessage(req).toString()).toMatch(/^INVITE sip:bob@192\.0\.2\.4 SIP\/2\.0\r\n/);
  });

  it('throws on a header that would forge another one', () => {
    const req = parseRequest(RFC3261_INVITE);
    expect(() => serializeMessage({ ...req, headers: [['Subject', 'hi\r\nVia: evil']] })).toThrow('CR or LF');
    expect(() => serializeMessage({ ...req, headers: [['Bad Name', 'x']] })).toThrow('not a token');
    expect(() => serializeMessage({ ...req, method: 'INVITE\r\nX' })).toThrow('CR or LF');
  });
});

describe('responseTo', () => {
  it('copies Vias, From, To, Call-ID and CSeq, adds the To tag, and appends extra headers and body (RFC 3261 §8.2.6.2)', () => {
    const req = parseRequest(RFC3665_INVITE.replace('Max-Forwards: 70\r\n', 'v: SIP/2.0/UDP proxy.example.com;branch=z9hG4bK-p, SIP/2.0/UDP edge.example.com;branch=z9hG4bK-e\r\n'));
    const res = responseTo(req, 200, 'OK', [['Content-Type', 'application/sdp']], Buffer.from('v=0\r\n'), 'b7x');
    expect(res).toMatchObject({ kind: 'response', status: 200, reason: 'OK', version: 'SIP/2.0' });
    expect(res.headers).toEqual([
      ['Via', 'SIP/2.0/TCP client.atlanta.example.com:5060;branch=z9hG4bK74bf9'],
      ['Via', 'SIP/2.0/UDP proxy.example.com;branch=z9hG4bK-p, SIP/2.0/UDP edge.example.com;branch=z9hG4bK-e'],
      ['From', 'Alice <sip:alice@atlanta.example.com>;tag=9fxced76sl'],
      ['To', 'Bob <sip:bob@biloxi.example.com>;tag=b7x'],
      ['Call-ID', '3848276298220188511@atlanta.example.com'],
      ['CSeq', '1 INVITE'],
      ['Content-Type', 'application/sdp'],
    ]);
    const wire = serializeMessage(res).toString();
    expect(wire.startsWith('SIP/2.0 200 OK\r\nVia: SIP/2.0/TCP client.atlanta.example.com:5060;branch=z9hG4bK74bf9\r\n')).toBe(true);
    expect(wire.endsWith('Content-Length: 5\r\n\r\nv=0\r\n')).toBe(true);
  });

  it('keeps an existing To tag, copies Timestamp into a 100 only, and works from a parse error request', () => {
    const bye = parseRequest(RFC_EXAMPLES['RFC 3665 BYE'] ?? '');
    expect(getHeader(responseTo(bye, 200, 'OK', [], undefined, 'other'), 'To')).toBe('Alice <sip:alice@atlanta.example.com>;tag=9fxced76sl');
    const stamped = parseRequest(RFC3261_INVITE.replace('Max-Forwards: 70\r\n', 'Timestamp: 54\r\n'));
    expect(getHeader(responseTo(stamped, 100, 'Trying'), 'Timestamp')).toBe('54');
    expect(getHeader(responseTo(stamped, 180, 'Ringing', [], undefined, 't1'), 'Timestamp')).toBeUndefined();
    expect(parseNameAddr(getHeader(responseTo(stamped, 100, 'Trying'), 'To') ?? '').params['tag']).toBeUndefined();

    const broken = parseMessage(Buffer.from(RFC3261_INVITE.replace('SIP/2.0\r\n', 'SIP/7.0\r\n')));
    if (broken.ok || broken.error.request === undefined) throw new Error('expected a readable request');
    const res = responseTo(broken.error.request, 505, 'Version Not Supported', [], undefined, 'v1');
    expect(res.headers.map(([n]) => n)).toEqual(['Via', 'From', 'To', 'Call-ID', 'CSeq']);
    expect(getHeader(res, 'To')).toBe('Bob <sip:bob@biloxi.com>;tag=v1');
  });

  it('leaves out what a broken request lacks and copies an unreadable To untouched', () => {
    const res = responseTo({ headers: [['v', 'SIP/2.0/UDP h;branch=z9hG4bK1'], ['t', '"unbalanced <sip:a@b>']] }, 400, 'Bad Request', [], undefined, 'x1');
    expect(res.headers).toEqual([
      ['Via', 'SIP/2.0/UDP h;branch=z9hG4bK1'],
      ['To', '"unbalanced <sip:a@b>'],
    ]);
    expect(() => responseTo({ headers: [['To', '<sip:a@b>']] }, 200, 'OK', [], undefined, 'a b')).toThrow('token');
  });
});
