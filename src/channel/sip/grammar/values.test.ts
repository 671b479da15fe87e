import { describe, expect, it } from 'vitest';
import { isClaveError } from '../../../shared/index.ts';
import { parseContentType, tryParseContentType } from './content-type.ts';
import { parseCSeq, tryParseCSeq } from './cseq.ts';
import { headerKey, isListHeader } from './header-names.ts';
import { splitTopLevel, unquote } from './lexical.ts';
import { formatNameAddr, parseNameAddr, tryParseNameAddr } from './name-addr.ts';
import { formatParams, parseParams, tryParseParams } from './params.ts';
import { formatUri, parseUri, tryParseUri } from './uri.ts';
import { formatVia, parseVia, tryParseVia } from './via.ts';

describe('parseUri', () => {
  it('reads user, password, host, port, parameters and headers, undoing escapes', () => {
    expect(parseUri('sips:al%69ce:s%65cret@[2001:db8::1]:5061;transport=TLS;Lr;n%61me=v%61lue%25%34%31?subject=hi%20there&priority=urgent')).toEqual({
      scheme: 'sips',
      user: 'alice',
      password: 'secret',
      host: '[2001:db8::1]',
      port: 5061,
      params: { transport: 'TLS', lr: null, name: 'value%41' },
      headers: { subject: 'hi there', priority: 'urgent' },
    });
    expect(parseUri('SIP:example.com')).toMatchObject({ scheme: 'sip', user: null, host: 'example.com', port: null });
    expect(parseUri('sip:user;par=u%40example.net@example.com')).toMatchObject({ user: 'user;par=u@example.net', host: 'example.com' });
  });

  it('keeps tel: numbers and unknown schemes, which a UAS answers with 416', () => {
    expect(parseUri('tel:+34-600-111-222;phone-context=example.com')).toMatchObject({
      scheme: 'tel',
      user: '+34-600-111-222',
      host: '',
      params: { 'phone-context': 'example.com' },
    });
    expect(parseUri('soap.beep://192.0.2.103:3002')).toEqual({
      scheme: 'other',
      user: null,
      password: null,
      host: '',
      port: null,
      params: {},
      headers: {},
      raw: 'soap.beep://192.0.2.103:3002',
    });
  });

  it('refuses what is not a URI, and parseUri throws MALFORMED_SIP for it', () => {
    for (const bad of ['<sip:a@b>', 'sip:', 'sip:@host', 'sip:a b@host', 'sip:a@host:70000', 'sip:a@host;=x', 'sip:a@host;x=', 'sip:a@[::1', 'sip:a%zz@host', 'x:"quoted"', 'no-scheme']) {
      expect(tryParseUri(bad), bad).toBeNull();
    }
    let caught: unknown;
    try {
      parseUri('<sip:a@b>');
    } catch (err) {
      caught = err;
    }
    expect(isClaveError(caught, 'MALFORMED_SIP')).toBe(true);
    expect(isClaveError(caught) && caught.details).toEqual({ header: 'URI' });
  });

  it('writes back what it read, escaping only where the component requires', () => {
    for (const text of ['sip:bob@biloxi.com', 'sip:sips%3Auser%40example.com@example.net', 'sips:a@[2001:db8::1]:5061;transport=tls;lr', 'sip:h.example.com?subject=hi%20there', 'tel:+34600111222;phone-context=x']) {
      expect(formatUri(parseUri(text))).toBe(text);
    }
    expect(formatUri(parseUri('sip:%75se%72@example.com'))).toBe('sip:user@example.com');
    expect(formatUri(parseUri('nobodyKnowsThisScheme:totallyopaquecontent'))).toBe('nobodyKnowsThisScheme:totallyopaquecontent');
  });
});

describe('parseNameAddr', () => {
  it('reads quoted, token and absent display names, angle-bracketed or bare URIs, and header parameters', () => {
    expect(parseNameAddr('"J Rosenberg \\\\\\"" <sip:jdrosen@example.com> ; tag = 98asjd8')).toMatchObject({
      displayName: 'J Rosenberg \\"',
      uri: { user: 'jdrosen', host: 'example.com' },
      params: { tag: '98asjd8' },
    });
    expect(parseNameAddr('Bob <sip:bob@biloxi.com;transport=tcp>;tag=a6c85cf')).toMatchObject({
      displayName: 'Bob',
      uri: { params: { transport: 'tcp' } },
      params: { tag: 'a6c85cf' },
    });
    // RFC 3261 §20: outside angle brackets, parameters belong to the header.
    expect(parseNameAddr('sip:user@example.com;tag=1;transport=udp')).toMatchObject({ displayName: null, uri: { params: {} }, params: { tag: '1', transport: 'udp' } });
    expect(parseNameAddr('caller<sip:caller@example.com>').displayName).toBe('caller');
    expect(parseNameAddr('"" <sip:a@b>').displayName).toBe('');
    expect(parseNameAddr('<http://www.example.com>;tag=3').uri).toMatchObject({ scheme: 'other', raw: 'http://www.example.com' });
  });

  it('is liberal with spaces in brackets and unquoted commas, strict with quotes', () => {
    expect(parseNameAddr('"Watson, Thomas" < sip:t.watson@example.org >').uri.user).toBe('t.watson');
    expect(parseNameAddr('Bell, Alexander <sip:a.g.bell@example.com>;tag=43').displayName).toBe('Bell, Alexander');
    for (const bad of ['"Mr. J. User <sip:j.user@example.com>', 'Mr "J" <sip:a@b>', '"J" sip:a@b', '<sip:a@b', '<sip:a@b>;;', '<sip:a@b> junk', '*']) {
      expect(tryParseNameAddr(bad), bad).toBeNull();
    }
  });

  it('writes a name-addr with brackets, quoting a display name only when it must', () => {
    const uri = parseUri('sip:line@192.0.2.1');
    expect(formatNameAddr({ displayName: 'Clave', uri, params: { tag: 'a1' } })).toBe('Clave <sip:line@192.0.2.1>;tag=a1');
    expect(formatNameAddr({ displayName: 'Doe, "J"', uri, params: {} })).toBe('"Doe, \\"J\\"" <sip:line@192.0.2.1>');
    expect(formatNameAddr({ displayName: null, uri, params: { lr: null } })).toBe('<sip:line@192.0.2.1>;lr');
    const odd = '"a \\\\ b" <sip:x@y>;q="0.5"';
    expect(parseNameAddr(formatNameAddr(parseNameAddr(odd)))).toEqual(parseNameAddr(odd));
  });
});

describe('parseVia', () => {
  it('reads a via-parm with spaces around slashes and colon, upper-casing the transport', () => {
    expect(parseVia('SIP  / 2.0  / tcp     spindle.example.com :  5070 ;  branch  =   z9hG4bK9ikj8 ; rport')).toEqual({
      protocol: 'SIP',
      version: '2.0',
      transport: 'TCP',
      host: 'spindle.example.com',
      port: 5070,
      params: { branch: 'z9hG4bK9ikj8', rport: null },
    });
    expect(parseVia('SIP/2.0/UDP [2001:db8::9]:5060;received=2001:db8::7').params['received']).toBe('2001:db8::7');
    expect(parseVia('SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK').params['branch']).toBe('z9hG4bK');
  });

  it('refuses a Via without sent-by, with empty parameters or an empty branch', () => {
    for (const bad of ['SIP/2.0/UDP', 'SIP/2.0 192.0.2.1', 'SIP/2.0/UDP 192.0.2.15;;', 'SIP/2.0/UDP h;branch=', 'SIP/2.0/UDP h:port', 'SIP/2.0/UDP h;', '']) {
      expect(tryParseVia(bad), bad).toBeNull();
    }
  });

  it('writes a Via that reads back the same', () => {
    const via = parseVia('SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKx;rport=5061;received=192.0.2.9');
    expect(formatVia(via)).toBe('SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKx;rport=5061;received=192.0.2.9');
  });
});

describe('parseCSeq, parseContentType, parseParams', () => {
  it('reads CSeq within 32 bits', () => {
    expect(parseCSeq('0009 INVITE')).toEqual({ seq: 9, method: 'INVITE' });
    expect(parseCSeq('4294967295 ACK').seq).toBe(4294967295);
    for (const bad of ['4294967296 ACK', '36893488147419103232 REGISTER', 'INVITE', '1', '-1 BYE', '1 B Y E']) expect(tryParseCSeq(bad), bad).toBeNull();
    expect(() => parseCSeq('x')).toThrow('malformed CSeq');
  });

  it('reads media types, lower-cased, with parameters', () => {
    expect(parseContentType('Multipart/Mixed ; boundary="7a9c bec"')).toEqual({
      type: 'multipart',
      subtype: 'mixed',
      mediaType: 'multipart/mixed',
      params: { boundary: '"7a9c bec"' },
    });
    expect(unquote(parseContentType('multipart/mixed;boundary="7a9c bec"').params['boundary'] ?? '')).toBe('7a9c bec');
    expect(parseContentType('application/*').mediaType).toBe('application/*');
    for (const bad of ['sdp', 'application/', 'a/b/c', 'text/plain;']) expect(tryParseContentType(bad), bad).toBeNull();
  });

  it('reads parameters, first occurrence winning, and a __proto__ one as plain data', () => {
    expect(parseParams(' ;A=1 ; b ;a=2; c="x;y"')).toEqual({ a: '1', b: null, c: '"x;y"' });
    const params = parseParams(';__proto__=x');
    expect(Object.keys(params)).toEqual(['__proto__']);
    expect(params['__proto__']).toBe('x');
    expect(tryParseParams('junk')).toBeNull();
    expect(tryParseParams(';a="open')).toBeNull();
    expect(formatParams({ branch: 'z9hG4bK1', lr: null })).toBe(';branch=z9hG4bK1;lr');
  });
});

describe('header names and lists', () => {
  it('maps every compact form to its long name', () => {
    const compact = { i: 'call-id', m: 'contact', f: 'from', t: 'to', v: 'via', l: 'content-length', c: 'content-type', k: 'supported', s: 'subject', e: 'content-encoding', o: 'event', r: 'refer-to', b: 'referred-by', u: 'allow-events' };
    for (const [short, long] of Object.entries(compact)) {
      expect(headerKey(short)).toBe(long);
      expect(headerKey(short.toUpperCase())).toBe(long);
    }
    expect(headerKey('MaX-fOrWaRdS')).toBe('max-forwards');
    expect([isListHeader('v'), isListHeader('Contact'), isListHeader('Date'), isListHeader('Authorization')]).toEqual([true, true, false, false]);
  });

  it('splits at top-level commas only', () => {
    expect(splitTopLevel('"a, \\"b," <sip:x@y;p=1,2>, <sip:z@w> ,', ',')).toEqual(['"a, \\"b," <sip:x@y;p=1,2>', '<sip:z@w>', '']);
  });
});
