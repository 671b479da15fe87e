import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseContentType } from './content-type.ts';
import { parseCSeq } from './cseq.ts';
import { getHeader, getHeaders, getTokenList } from './headers.ts';
import type { SipMessage, SipRequest, SipResponse } from './message.ts';
import { parseNameAddr } from './name-addr.ts';
import { parseMessage, parseStream } from './parse.ts';
import type { ParseResult, SipParseErrorCode } from './parse-error.ts';
import { TORTURE_ANSWERS, TORTURE_DIR_URL } from './torture-answers.ts';
import { parseVia } from './via.ts';

const DIR = fileURLToPath(TORTURE_DIR_URL);
const present = existsSync(DIR);

/** A file read as the bytes it holds (never as edited text). */
const bytes = (name: string): Buffer => readFileSync(`${DIR}${name}.dat`);

type Outcome = { request: string } | { response: number } | { error: SipParseErrorCode; method?: string };

/** What parseMessage (one UDP datagram) makes of each file. */
const OVER_UDP: Record<string, Outcome> = {
  wsinv: { request: 'INVITE' },
  intmeth: { request: "!interesting-Method0123456789_*+`.%indeed'~" },
  esc01: { request: 'INVITE' },
  escnull: { request: 'REGISTER' },
  esc02: { request: 'RE%47IST%45R' },
  lwsdisp: { request: 'OPTIONS' },
  longreq: { request: 'INVITE' },
  dblreq: { request: 'REGISTER' },
  semiuri: { request: 'OPTIONS' },
  transports: { request: 'OPTIONS' },
  mpart01: { request: 'MESSAGE' },
  unreason: { response: 200 },
  noreason: { response: 100 },
  badinv01: { error: 'BAD_HEADER', method: 'INVITE' },
  clerr: { error: 'BAD_CONTENT_LENGTH', method: 'INVITE' },
  ncl: { error: 'BAD_CONTENT_LENGTH', method: 'INVITE' },
  scalar02: { error: 'BAD_CSEQ', method: 'REGISTER' },
  scalarlg: { error: 'BAD_CSEQ' },
  quotbal: { error: 'BAD_HEADER', method: 'INVITE' },
  ltgtruri: { error: 'BAD_REQUEST_URI', method: 'INVITE' },
  lwsruri: { error: 'BAD_REQUEST_URI', method: 'INVITE' },
  lwsstart: { request: 'INVITE' },
  trws: { request: 'OPTIONS' },
  escruri: { request: 'INVITE' },
  baddate: { request: 'INVITE' },
  regbadct: { request: 'REGISTER' },
  badaspec: { request: 'OPTIONS' },
  baddn: { error: 'TRUNCATED', method: 'OPTIONS' },
  badvers: { error: 'BAD_VERSION', method: 'OPTIONS' },
  mismatch01: { error: 'CSEQ_METHOD_MISMATCH', method: 'OPTIONS' },
  mismatch02: { error: 'CSEQ_METHOD_MISMATCH', method: 'NEWMETHOD' },
  bigcode: { error: 'MALFORMED_START_LINE' },
  badbranch: { request: 'OPTIONS' },
  insuf: { error: 'MISSING_HEADER', method: 'INVITE' },
  unkscm: { request: 'OPTIONS' },
  novelsc: { request: 'OPTIONS' },
  unksm2: { request: 'REGISTER' },
  bext01: { request: 'OPTIONS' },
  invut: { request: 'INVITE' },
  regaut01: { request: 'REGISTER' },
  multi01: { error: 'DUPLICATE_HEADER', method: 'INVITE' },
  mcl01: { error: 'BAD_CONTENT_LENGTH', method: 'OPTIONS' },
  bcast: { response: 200 },
  zeromf: { request: 'OPTIONS' },
  cparam01: { request: 'REGISTER' },
  cparam02: { request: 'REGISTER' },
  regescrt: { request: 'REGISTER' },
  sdp01: { request: 'INVITE' },
  inv2543: { request: 'INVITE' },
};

/** Where a TCP stream reads a file differently from a datagram. */
const OVER_TCP: Record<string, Outcome> = {
  clerr: { error: 'INCOMPLETE' },
  baddn: { error: 'INCOMPLETE' },
  inv2543: { error: 'MISSING_HEADER', method: 'INVITE' },
};

function outcome(r: ParseResult): Outcome {
  if (r.ok) return r.message.kind === 'request' ? { request: r.message.method } : { response: r.message.status };
  return r.error.request === undefined ? { error: r.error.code } : { error: r.error.code, method: r.error.request.method };
}

function message(name: string): SipMessage {
  const r = parseMessage(bytes(name));
  if (!r.ok) throw new Error(`${name}: ${r.error.code}`);
  return r.message;
}
function req(name: string): SipRequest {
  const m = message(name);
  if (m.kind !== 'request') throw new Error(`${name} is not a request`);
  return m;
}
function res(name: string): SipResponse {
  const m = message(name);
  if (m.kind !== 'response') throw new Error(`${name} is not a response`);
  return m;
}

const title = present ? 'RFC 4475 torture messages' : `RFC 4475 torture messages (skipped: ${DIR} is absent; clone shared/ beside the repository)`;

describe.skipIf(!present)(title, () => {
  it('has the 49 files, each with an expected parse and an expected UAS answer', () => {
    const files = readdirSync(DIR).filter((f) => f.endsWith('.dat')).map((f) => f.slice(0, -4)).sort();
    expect(files).toHaveLength(49);
    expect(Object.keys(OVER_UDP).sort()).toEqual(files);
    expect(Object.keys(TORTURE_ANSWERS).sort()).toEqual(files);
  });

  it.each(Object.entries(OVER_UDP))('%s parses over UDP as expected', (name, expected) => {
    expect(outcome(parseMessage(bytes(name)))).toEqual(expected);
  });

  it.each(Object.keys(OVER_UDP))('%s parses over TCP as expected', (name) => {
    const r = parseStream(bytes(name));
    expect(outcome(r)).toEqual(OVER_TCP[name] ?? OVER_UDP[name]);
  });

  it.each(Object.entries(TORTURE_ANSWERS))('%s: the parse gives the UAS what its answer needs', (name, { answer, overTcp }) => {
    const r = parseMessage(bytes(name));
    if (answer === 'drop') expect(r.ok ? r.message.kind : r.error.request).toBe(r.ok ? 'response' : undefined);
    else if (answer === 400) expect(!r.ok && r.error.request !== undefined).toBe(true);
    else if (answer === 505) expect(!r.ok && r.error.code).toBe('BAD_VERSION');
    else if (answer === 416) expect(r.ok && r.message.kind === 'request' && r.message.uri.scheme).toBe('other');
    else if (name === 'mismatch02') expect(!r.ok && r.error.code).toBe('CSEQ_METHOD_MISMATCH');
    else expect(r.ok && r.message.kind).toBe('request');
    const tcp = parseStream(bytes(name));
    if (overTcp === 'wait-then-close') expect(!tcp.ok && tcp.error.code).toBe('INCOMPLETE');
    if (overTcp === 'close') expect(!tcp.ok && tcp.error.code !== 'INCOMPLETE' && tcp.error.consumed).toBeUndefined();
  });

  it('wsinv: every odd spacing, folding and spelling reads as the RFC says', () => {
    const m = req('wsinv');
    expect(m.uri.params).toEqual({ unknownparam: null });
    expect(parseNameAddr(getHeader(m, 'To') ?? '')).toMatchObject({ displayName: null, uri: { user: 'vivekg' }, params: { tag: '1918181833n' } });
    expect(parseNameAddr(getHeader(m, 'from') ?? '')).toMatchObject({ displayName: 'J Rosenberg \\"', uri: { user: 'jdrosen' }, params: { tag: '98asjd8' } });
    expect(getHeader(m, 'Max-Forwards')).toBe('0068');
    expect(parseCSeq(getHeader(m, 'CSeq') ?? '')).toEqual({ seq: 9, method: 'INVITE' });
    expect(getHeaders(m, 'Via').map((v) => parseVia(v)).map((v) => [v.transport, v.host, v.params['branch']])).toEqual([
      ['UDP', '192.0.2.2', '390skdjuw'],
      ['TCP', 'spindle.example.com', 'z9hG4bK9ikj8'],
      ['UDP', '192.168.255.111', 'z9hG4bK30239'],
    ]);
    expect(getHeaders(m, 'Subject')).toEqual(['']);
    expect(getHeader(m, 'NewFangledHeader')).toBe('newfangled value continued newfangled value');
    expect(getHeader(m, 'UnknownHeaderWithUnusualValue')).toBe(';;,,;;,;');
    expect(getHeader(m, 'Route')).toBe('<sip:services.example.com;lr;unknownwith=value;unknown-no-value>');
    expect(parseNameAddr(getHeader(m, 'Contact') ?? '')).toMatchObject({ displayName: 'Quoted string ""', params: { newparam: 'newvalue', secondparam: null, q: '0.33' } });
    expect(m.body).toHaveLength(150);
  });

  it('intmeth: token characters everywhere, a crazy user and password, UTF-8 values', () => {
    const m = req('intmeth');
    expect(m.uri).toMatchObject({ user: "1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*", password: "&it+has=1,weird!*pas$wo~d_too.(doesn't-it)", host: 'example.com' });
    expect(parseNameAddr(getHeader(m, 'To') ?? '').displayName).toBe('BEL:\x07 NUL:\x00 DEL:\x7f');
    const from = parseNameAddr(getHeader(m, 'From') ?? '');
    expect(from.displayName).toBe("token1~` token2'+_ token3*%!.-");
    expect(from.params).toEqual({ "fromparam''~+*_!.-%": '"работающий"', tag: "_token~1'+`*%!-." });
    expect(parseVia(getHeader(m, 'Via') ?? '').params['branch']).toBe("z9hG4bK-.!%66*_+`'~");
    expect(getHeader(m, 'Call-ID')).toBe('intmeth.word%ZK-!.*_+\'@word`~)(><:\\/"][?}{');
    expect(getHeader(m, "extensionHeader-!.%*+_`'~")).toBe('\ufeff大停電');
  });

  it('esc01, escnull, esc02: escapes undone in URIs, and never in methods or header names', () => {
    const esc01 = req('esc01');
    expect(esc01.uri).toMatchObject({ user: 'sips:user@example.com', host: 'example.net' });
    expect(parseNameAddr(getHeader(esc01, 'To') ?? '').uri.user).toBe('user');
    expect(parseNameAddr(getHeader(esc01, 'From') ?? '').uri.user).toBe('I have spaces');
    expect(parseNameAddr(getHeader(esc01, 'Contact') ?? '').uri).toMatchObject({ user: 'caller', params: { lr: null, name: 'value%41' } });
    expect(parseContentType(getHeader(esc01, 'Content-Type') ?? '').mediaType).toBe('application/sdp');

    const escnull = req('escnull');
    expect(parseNameAddr(getHeader(escnull, 'To') ?? '').uri.user).toBe('null-\x00-null');
    expect(getHeaders(escnull, 'Contact').map((c) => parseNameAddr(c).uri.user)).toEqual(['\x00', '\x00\x00']);

    const esc02 = req('esc02');
    expect(parseNameAddr(getHeader(esc02, 'To') ?? '').displayName).toBe('%Z%45');
    expect(getHeaders(esc02, 'Contact')).toEqual(['<sip:alias1@host1.example.com>', '<sip:alias3@host3.example.com>']);
    expect(getHeader(esc02, 'C%6Fntact')).toBe('<sip:alias2@host2.example.com>');
  });

  it('lwsdisp, longreq, semiuri, transports, mpart01', () => {
    expect(parseNameAddr(getHeader(req('lwsdisp'), 'From') ?? '')).toMatchObject({ displayName: 'caller', params: { tag: '323' } });

    const longreq = req('longreq');
    expect(longreq.headers).toHaveLength(43);
    const vias = getHeaders(longreq, 'Via').map((v) => parseVia(v));
    expect(vias).toHaveLength(34);
    expect([vias[0]?.host, vias[33]?.host, vias[33]?.params['received']]).toEqual(['sip33.example.com', 'host.example.com', '192.0.2.5']);
    const to = parseNameAddr(getHeader(longreq, 'To') ?? '');
    expect(to.displayName).toBe(`I have a user name of ${'extreme'.repeat(10)} proportion`);
    expect(to.uri.port).toBe(6000);
    expect(longreq.body).toHaveLength(150);

    const semiuri = req('semiuri');
    expect(semiuri.uri).toMatchObject({ user: 'user;par=u@example.net', host: 'example.com', params: {} });
    expect(getTokenList(semiuri, 'Accept')).toEqual(['application/sdp', 'application/pkcs7-mime', 'multipart/mixed', 'multipart/signed', 'message/sip', 'message/sipfrag']);

    expect(getHeaders(req('transports'), 'Via').map((v) => parseVia(v).transport)).toEqual(['UDP', 'SCTP', 'TLS', 'UNKNOWN', 'TCP']);

    const mpart01 = req('mpart01');
    expect(mpart01.body).toHaveLength(553);
    expect(mpart01.body.subarray(0, 20).toString()).toBe('--7a9cbec02ceef655\r\n');
    expect(parseContentType(getHeader(mpart01, 'Content-Type') ?? '').params).toEqual({ boundary: '7a9cbec02ceef655' });
  });

  it('dblreq: only the first message of the datagram', () => {
    const r = parseMessage(bytes('dblreq'));
    expect(r.ok && r.consumed).toBe(300);
    const m = req('dblreq');
    expect(m.body).toHaveLength(0);
    expect(getHeader(m, 'Call-ID')).toBe('dblreq.0ha0isndaksdj99sdfafnl3lk233412');
  });

  it('unreason, noreason, bcast: responses, with odd reasons', () => {
    const unreason = res('unreason');
    expect(unreason.reason).toBe('= 2**3 * 5**2 но сто девяносто девять - простое');
    expect(unreason.body).toHaveLength(154);
    expect(res('noreason').reason).toBe('');
    expect(parseVia(getHeaders(res('bcast'), 'Via')[1] ?? '').host).toBe('255.255.255.255');
  });

  it('unkscm, novelsc, unksm2: unknown schemes kept whole for a 416', () => {
    expect(req('unkscm').uri).toMatchObject({ scheme: 'other', host: '', raw: 'nobodyKnowsThisScheme:totallyopaquecontent' });
    expect(req('novelsc').uri).toMatchObject({ scheme: 'other', raw: 'soap.beep://192.0.2.103:3002' });
    const unksm2 = req('unksm2');
    expect(parseNameAddr(getHeader(unksm2, 'To') ?? '').uri).toMatchObject({ scheme: 'other', raw: 'isbn:2983792873' });
    expect(parseNameAddr(getHeader(unksm2, 'From') ?? '').uri.raw).toBe('http://www.example.com');
  });

  it('escruri, regescrt: URI headers parsed and kept, never applied', () => {
    expect(req('escruri').uri).toMatchObject({ user: 'user', host: 'example.com', params: {}, headers: { Route: '<sip:example.com>' } });
    expect(getHeader(req('escruri'), 'Route')).toBeUndefined();
    expect(parseNameAddr(getHeader(req('regescrt'), 'Contact') ?? '').uri.headers).toEqual({ Route: '<sip:sip.example.com>' });
  });

  it('bext01, invut, badbranch, inv2543, lwsstart, trws, badaspec: what the UAS will look at', () => {
    expect(getTokenList(req('bext01'), 'Require')).toEqual(['nothingSupportsThis', 'nothingSupportsThisEither']);
    expect(getTokenList(req('bext01'), 'Proxy-Require')).toEqual(['noProxiesSupportThis', 'norDoAnyProxiesSupportThis']);
    const invut = req('invut');
    expect(parseContentType(getHeader(invut, 'Content-Type') ?? '').mediaType).toBe('application/unknownformat');
    expect(invut.body).toHaveLength(40);
    expect(parseVia(getHeader(req('badbranch'), 'Via') ?? '').params['branch']).toBe('z9hG4bK');
    const inv2543 = req('inv2543');
    expect([getHeader(inv2543, 'Content-Length'), getHeader(inv2543, 'Max-Forwards'), inv2543.body.length]).toEqual([undefined, undefined, 105]);
    expect(req('lwsstart').uri).toMatchObject({ user: 'user', host: 'example.com' });
    expect(req('trws').version).toBe('SIP/2.0');
    expect(parseNameAddr(getHeader(req('badaspec'), 'To') ?? '')).toMatchObject({ displayName: 'Watson, Thomas', uri: { user: 't.watson' } });
  });

  it('baddn: refused for its missing empty line; with one, its unquoted display names are read', () => {
    const r = parseMessage(Buffer.concat([bytes('baddn'), Buffer.from('\r\n')]));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(parseNameAddr(getHeader(r.message, 'From') ?? '').displayName).toBe('Bell, Alexander');
    expect(parseNameAddr(getHeader(r.message, 'To') ?? '').displayName).toBe('Watson, Thomas');
  });

  it('failures name the header at fault and keep the request for the answer', () => {
    const error = (name: string) => {
      const r = parseMessage(bytes(name));
      if (r.ok) throw new Error(`${name} parsed`);
      return r.error;
    };
    expect(error('badinv01').header).toBe('Via');
    expect(error('quotbal').header).toBe('To');
    expect(error('insuf').header).toBe('From');
    expect(error('multi01').header).toBe('From');
    expect(error('ncl').header).toBe('Content-Length');
    expect(getHeader(error('badvers').request ?? { headers: [] }, 'Call-ID')).toBe('badvers.31417@c.example.com');
    expect(error('clerr').consumed).toBeUndefined();
    expect(error('scalar02').consumed).toBe(476);
  });
});
