import { describe, expect, it } from 'vitest';
import { getHeader, getHeaders, getTokenList } from './headers.ts';
import type { SipMessage, SipRequest, SipResponse } from './message.ts';
import { parseNameAddr } from './name-addr.ts';
import { MAX_BODY_BYTES, MAX_HEADER_BYTES, parseMessage, parseStream } from './parse.ts';
import type { ParseResult } from './parse-error.ts';
import { COMPACT, RFC3261_200, RFC3665_INVITE, RFC3665_SDP } from './test-examples.ts';
import { parseVia } from './via.ts';

const buf = (s: string): Buffer => Buffer.from(s, 'utf8');

function ok(r: ParseResult): SipMessage {
  if (!r.ok) throw new Error(`expected a message, got ${r.error.code}: ${r.error.message}`);
  return r.message;
}
function request(r: ParseResult): SipRequest {
  const m = ok(r);
  if (m.kind !== 'request') throw new Error('expected a request');
  return m;
}
function response(r: ParseResult): SipResponse {
  const m = ok(r);
  if (m.kind !== 'response') throw new Error('expected a response');
  return m;
}
function failure(r: ParseResult) {
  if (r.ok) throw new Error('expected a failure');
  return r.error;
}

const OPTIONS_HEAD =
  'OPTIONS sip:clave@192.0.2.10 SIP/2.0\r\n' +
  'Via: SIP/2.0/UDP 192.0.2.20;branch=z9hG4bK-o1\r\n' +
  'From: <sip:a@example.com>;tag=1\r\n' +
  'To: <sip:clave@192.0.2.10>\r\n' +
  'Call-ID: o1@192.0.2.20\r\n' +
  'CSeq: 7 OPTIONS\r\n';
const options = (extra = '', body = ''): string => `${OPTIONS_HEAD}${extra}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;

describe('parseMessage on the RFC examples', () => {
  it('reads the RFC 3665 INVITE: request line, headers in order, SDP body', () => {
    expect(Buffer.byteLength(RFC3665_SDP)).toBe(151);
    const r = parseMessage(buf(RFC3665_INVITE));
    const m = request(r);
    expect(m.method).toBe('INVITE');
    expect(m.rawUri).toBe('sip:bob@biloxi.example.com');
    expect(m.uri).toMatchObject({ scheme: 'sip', user: 'bob', host: 'biloxi.example.com', port: null });
    expect(m.version).toBe('SIP/2.0');
    expect(m.headers.map(([n]) => n)).toEqual(['Via', 'Max-Forwards', 'From', 'To', 'Call-ID', 'CSeq', 'Contact', 'Content-Type', 'Content-Length']);
    expect(m.body.toString()).toBe(RFC3665_SDP);
    expect(r.ok && r.consumed).toBe(Buffer.byteLength(RFC3665_INVITE));
    expect(parseVia(getHeader(m, 'via') ?? '')).toMatchObject({ transport: 'TCP', host: 'client.atlanta.example.com', port: 5060, params: { branch: 'z9hG4bK74bf9' } });
  });

  it('reads the RFC 3261 200 OK with its three Vias in order', () => {
    const m = response(parseMessage(buf(RFC3261_200)));
    expect([m.status, m.reason]).toEqual([200, 'OK']);
    expect(getHeaders(m, 'via').map((v) => parseVia(v).params['received'])).toEqual(['192.0.2.3', '192.0.2.2', '192.0.2.1']);
    expect(parseNameAddr(getHeader(m, 'to') ?? '').params['tag']).toBe('a6c85cf');
  });
});

describe('header syntax', () => {
  it('folds compact names, splits list headers but not inside quotes or <>, keeps an IPv6 reference', () => {
    const m = request(parseMessage(buf(COMPACT)));
    expect(getHeaders(m, 'Via')).toHaveLength(2);
    expect(parseVia(getHeaders(m, 'via')[1] ?? '')).toMatchObject({ transport: 'TCP', host: '[2001:db8::1]', port: 5070 });
    expect(parseVia(getHeader(m, 'VIA') ?? '').params).toEqual({ branch: 'z9hG4bK-c1', rport: null });
    expect(parseNameAddr(getHeader(m, 'From') ?? '').displayName).toBe('Doe, Jane');
    expect(getHeader(m, 'call-id')).toBe('c1@192.0.2.20');
    expect(getHeaders(m, 'Contact').map((c) => parseNameAddr(c).displayName)).toEqual([null, 'Desk, 2']);
    expect(getTokenList(m, 'Supported')).toEqual(['timer', '100rel', 'replaces']);
    expect(getHeader(m, 'Allow-Events')).toBe('dialog');
    expect(getHeader(m, 'Event')).toBe('refer;id=7');
    expect(parseNameAddr(getHeader(m, 'Refer-To') ?? '').uri.headers).toEqual({ Replaces: 'a@b' });
    expect(getHeader(m, 'Referred-By')).toBe('<sip:jane@example.com>');
    expect(getHeaders(m, 'Subject')).toEqual(['Unlock, please']);
    expect(getHeader(m, 'Content-Encoding')).toBe('gzip');
    expect(getHeader(m, 'Content-Type')).toBe('text/plain');
    expect(getHeader(m, 'Content-Length')).toBe('5');
    expect(m.body.toString()).toBe('hello');
  });

  it('unfolds continuation lines into one SP and reads bare LF line ends like CRLF', () => {
    const folded =
      OPTIONS_HEAD.replace('Via: SIP/2.0/UDP 192.0.2.20;branch=z9hG4bK-o1', 'Via: SIP/2.0/UDP\r\n 192.0.2.20\r\n\t;branch=z9hG4bK-o1') +
      'Subject: first\r\n   second\r\n\tthird\r\nContent-Length: 0\r\n\r\n';
    const m = request(parseMessage(buf(folded)));
    expect(getHeader(m, 'Subject')).toBe('first second third');
    expect(getHeader(m, 'Via')).toBe('SIP/2.0/UDP 192.0.2.20 ;branch=z9hG4bK-o1');
    expect(parseVia(getHeader(m, 'Via') ?? '').params['branch']).toBe('z9hG4bK-o1');
    const lf = request(parseMessage(buf(folded.replaceAll('\r\n', '\n'))));
    expect(lf.headers).toEqual(m.headers);
  });

  it('keeps a header value exactly, U+FEFF and all, trimming only SP and HTAB', () => {
    const m = request(parseMessage(buf(options('X-Note: \t\ufeffvalue \t\r\n'))));
    expect(getHeader(m, 'x-note')).toBe('\ufeffvalue');
  });

  it('refuses a line that is not a header, but still gives the request for a 400', () => {
    const e = failure(parseMessage(buf(options('this line has no colon\r\n'))));
    expect(e.code).toBe('BAD_HEADER');
    expect(e.request?.method).toBe('OPTIONS');
    expect(getHeader(e.request ?? { headers: [] }, 'Call-ID')).toBe('o1@192.0.2.20');
    expect(failure(parseMessage(buf(options('Bad Name: x\r\n')))).code).toBe('BAD_HEADER');
    expect(failure(parseMessage(buf(options('X-A: a\rb\r\n')))).code).toBe('BAD_HEADER');
  });
});

describe('start line', () => {
  it('accepts a lower-case version and a Status-Line without reason', () => {
    expect(request(parseMessage(buf(options().replace('SIP/2.0\r\n', 'sip/2.0\r\n')))).version).toBe('SIP/2.0');
    const noReason = RFC3261_200.replace('SIP/2.0 200 OK', 'SIP/2.0 200');
    expect(response(parseMessage(buf(noReason))).reason).toBe('');
  });

  it('maps each broken start line to its code', () => {
    const line = (l: string) => failure(parseMessage(buf(options().replace('OPTIONS sip:clave@192.0.2.10 SIP/2.0', l))));
    expect(line('OPTIONS sip:clave@192.0.2.10 SIP/3.0')).toMatchObject({ code: 'BAD_VERSION', request: { method: 'OPTIONS' } });
    expect(line('OPTIONS sip:clave@192.0.2.10 HTTP/1.1')).toMatchObject({ code: 'MALFORMED_START_LINE', request: { method: 'OPTIONS' } });
    expect(line('OPTIONS sip:clave@192.0.2.10')).toMatchObject({ code: 'MALFORMED_START_LINE', request: { method: 'OPTIONS' } });
    expect(line('OPTIONS <sip:clave@192.0.2.10> SIP/2.0')).toMatchObject({ code: 'BAD_REQUEST_URI', request: { method: 'OPTIONS' } });
    expect(line('OPTIONS sip:clave@192.0.2.10:99999 SIP/2.0').code).toBe('BAD_REQUEST_URI');
    const noMethod = line('{garbage} sip:clave@192.0.2.10 SIP/2.0');
    expect(noMethod.code).toBe('MALFORMED_START_LINE');
    expect(noMethod.request).toBeUndefined();
    expect(line('SIP/2.0 99 Too Small')).toMatchObject({ code: 'MALFORMED_START_LINE' });
    expect(line('SIP/2.0 99 Too Small').request).toBeUndefined();
    expect(line('SIP/3.0 200 OK').code).toBe('BAD_VERSION');
  });
});

describe('core headers', () => {
  it('requires Via, From, To, Call-ID and CSeq, once each (Via may repeat)', () => {
    const without = (name: string) => failure(parseMessage(buf(options().replace(new RegExp(`${name}: [^\\r]*\\r\\n`), ''))));
    for (const name of ['Via', 'From', 'To', 'Call-ID', 'CSeq']) expect(without(name)).toMatchObject({ code: 'MISSING_HEADER', header: name });
    expect(failure(parseMessage(buf(options('i: other@x\r\n'))))).toMatchObject({ code: 'DUPLICATE_HEADER', header: 'Call-ID' });
    expect(request(parseMessage(buf(options('Via: SIP/2.0/TCP proxy.example.com;branch=z9hG4bK-2\r\n'))))).toBeTruthy();
    expect(failure(parseMessage(buf(options('Via:\r\n'))))).toMatchObject({ code: 'BAD_HEADER', header: 'Via' });
  });

  it('holds the CSeq number to 32 bits and its method to the request method, case and all', () => {
    const cseq = (v: string) => parseMessage(buf(options().replace('CSeq: 7 OPTIONS', `CSeq: ${v}`)));
    expect(request(cseq('4294967295 OPTIONS'))).toBeTruthy();
    expect(failure(cseq('4294967296 OPTIONS'))).toMatchObject({ code: 'BAD_CSEQ', header: 'CSeq' });
    expect(failure(cseq('seven OPTIONS')).code).toBe('BAD_CSEQ');
    expect(failure(cseq('7 options')).code).toBe('CSEQ_METHOD_MISMATCH');
  });
});

describe('framing', () => {
  it('over UDP, ignores bytes after Content-Length and reads to the end without one', () => {
    const r = parseMessage(buf(options('', 'ab') + 'GARBAGE'));
    expect(request(r).body.toString()).toBe('ab');
    expect(r.ok && r.consumed).toBe(Buffer.byteLength(options('', 'ab')));
    const noLength = `${OPTIONS_HEAD}\r\nbody to the end`;
    expect(request(parseMessage(buf(noLength))).body.toString()).toBe('body to the end');
  });

  it('refuses negative, non-numeric, huge and conflicting Content-Length, and one past the datagram', () => {
    const cl = (v: string) => failure(parseMessage(buf(`${OPTIONS_HEAD}Content-Length: ${v}\r\n\r\nab`)));
    for (const v of ['-1', '1.5', '', '99999999999999999999', String(MAX_BODY_BYTES + 1)]) {
      expect(cl(v)).toMatchObject({ code: 'BAD_CONTENT_LENGTH', header: 'Content-Length', request: { method: 'OPTIONS' } });
    }
    expect(cl('3').code).toBe('BAD_CONTENT_LENGTH');
    expect(failure(parseMessage(buf(`${OPTIONS_HEAD}l: 2\r\nContent-Length: 1\r\n\r\nab`))).code).toBe('BAD_CONTENT_LENGTH');
    expect(request(parseMessage(buf(`${OPTIONS_HEAD}l: 2\r\nContent-Length: 002\r\n\r\nab`))).body.toString()).toBe('ab');
  });

  it('tells a keep-alive, a truncated header section and an oversized one apart', () => {
    expect(failure(parseMessage(buf('\r\n\r\n'))).code).toBe('EMPTY');
    const truncated = failure(parseMessage(buf(OPTIONS_HEAD)));
    expect(truncated).toMatchObject({ code: 'TRUNCATED', request: { method: 'OPTIONS' } });
    const huge = `${OPTIONS_HEAD}X-Pad: ${'a'.repeat(MAX_HEADER_BYTES)}\r\n`;
    expect(failure(parseMessage(buf(huge))).code).toBe('TOO_LARGE');
    expect(failure(parseStream(buf(huge))).code).toBe('TOO_LARGE');
    expect(failure(parseMessage(buf(`${huge}Content-Length: 0\r\n\r\n`))).code).toBe('TOO_LARGE');
  });

  it('over a stream, skips leading CRLFs, waits for the whole body and reports consumed', () => {
    const one = options('', 'hi');
    const two = options('X-Second: yes\r\n');
    const stream = buf(`\r\n\r\n${one}${two}`);
    const first = parseStream(stream);
    expect(request(first).body.toString()).toBe('hi');
    const consumed = first.ok ? first.consumed : 0;
    expect(consumed).toBe(4 + Buffer.byteLength(one));
    const second = parseStream(stream.subarray(consumed));
    expect(getHeader(request(second), 'X-Second')).toBe('yes');
    for (let cut = 4; cut < 4 + Buffer.byteLength(one); cut++) {
      expect(failure(parseStream(stream.subarray(0, cut))).code).toBe('INCOMPLETE');
    }
    expect(failure(parseStream(buf('\r\n\r\n')))).toMatchObject({ code: 'INCOMPLETE', consumed: 4 });
    expect(failure(parseStream(buf(`\r\n${OPTIONS_HEAD}`)))).toMatchObject({ code: 'INCOMPLETE', consumed: 2 });
  });

  it('over a stream, demands Content-Length and reports consumed only while the framing holds', () => {
    const missing = failure(parseStream(buf(`${OPTIONS_HEAD}\r\n`)));
    expect(missing).toMatchObject({ code: 'MISSING_HEADER', header: 'Content-Length' });
    expect(missing.consumed).toBeUndefined();
    expect(failure(parseStream(buf(`${OPTIONS_HEAD}Content-Length: -5\r\n\r\n`))).consumed).toBeUndefined();
    const framed = options('i: dup@x\r\n');
    expect(failure(parseStream(buf(framed + 'NEXT')))).toMatchObject({ code: 'DUPLICATE_HEADER', consumed: Buffer.byteLength(framed) });
  });
});
