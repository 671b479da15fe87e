import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { digestAuthorization, parseDigestChallenge, type DigestChallenge } from './digest.ts';

const EMPTY = Buffer.alloc(0);
const md5 = (s: string | Buffer) => createHash('md5').update(s).digest('hex');

/** The parameters of an Authorization value, unquoted. */
function paramsOf(value: string): Record<string, string> {
  expect(value.startsWith('Digest ')).toBe(true);
  const out: Record<string, string> = {};
  for (const m of value.slice(7).matchAll(/([a-z]+)=("((?:[^"\\]|\\.)*)"|[^,\s]+)/g)) out[m[1]!] = m[3] !== undefined ? m[3].replace(/\\(.)/g, '$1') : m[2]!;
  return out;
}

describe('parseDigestChallenge', () => {
  it('reads realm, nonce, opaque, algorithm, qop options and stale', () => {
    expect(parseDigestChallenge('Digest realm="sbc.example.net", nonce="a1b2", opaque="x,y", qop="auth,auth-int", algorithm=SHA-256, stale=TRUE')).toEqual({
      realm: 'sbc.example.net', nonce: 'a1b2', opaque: 'x,y', algorithm: 'SHA-256', qop: ['auth', 'auth-int'], stale: true,
    });
  });

  it('takes MD5 when no algorithm is named, the scheme and names without case, and an RFC 2069 challenge without qop', () => {
    expect(parseDigestChallenge('DIGEST Realm="r", NONCE="n", algorithm=md5-SESS')).toEqual({
      realm: 'r', nonce: 'n', opaque: null, algorithm: 'MD5-sess', qop: [], stale: false,
    });
    expect(parseDigestChallenge('Digest realm="r", nonce="n"')?.algorithm).toBe('MD5');
  });

  it('refuses what it cannot answer: another scheme, an unknown algorithm, no nonce, a qop without auth, a malformed or repeated parameter', () => {
    for (const value of [
      'Basic realm="r"',
      'Digest realm="r", nonce="n", algorithm=SHA-512-256',
      'Digest realm="r"',
      'Digest realm="r", nonce=""',
      'Digest realm="r", nonce="n", qop="auth-conf"',
      'Digest realm="r, nonce="n"',
      'Digest realm="r", nonce="n", nonce="m"',
      'Digest realm="r", nonce=a b',
      'Digest',
    ]) expect(parseDigestChallenge(value), value).toBeNull();
  });
});

describe('digestAuthorization', () => {
  it('gives RFC 2617 §3.5’s response (MD5, qop=auth) with its opaque, cnonce and nc', () => {
    const challenge = parseDigestChallenge('Digest realm="testrealm@host.com", qop="auth,auth-int", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", opaque="5ccc069c403ebaf9f0171e9517f40e41"')!;
    const value = digestAuthorization(challenge, { username: 'Mufasa', password: 'Circle Of Life' }, { method: 'GET', uri: '/dir/index.html', body: EMPTY, nc: 1, cnonce: '0a4f113b' });
    expect(paramsOf(value)).toEqual({
      username: 'Mufasa', realm: 'testrealm@host.com', nonce: 'dcd98b7102dd2f0e8b11d0f600bfb0c093', uri: '/dir/index.html',
      response: '6629fae49393a05397450978507c4ef1', algorithm: 'MD5', cnonce: '0a4f113b', opaque: '5ccc069c403ebaf9f0171e9517f40e41', qop: 'auth', nc: '00000001',
    });
  });

  it('gives RFC 7616 §3.9.1’s responses for MD5 and SHA-256', () => {
    const base = { realm: 'http-auth@example.org', nonce: '7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v', opaque: 'FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS', qop: ['auth', 'auth-int'], stale: false };
    const req = { method: 'GET', uri: '/dir/index.html', body: EMPTY, nc: 1, cnonce: 'f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ' };
    const creds = { username: 'Mufasa', password: 'Circle of Life' };
    expect(paramsOf(digestAuthorization({ ...base, algorithm: 'MD5' }, creds, req)).response).toBe('8ca523f5e9506fed4657c9700eebdbec');
    expect(paramsOf(digestAuthorization({ ...base, algorithm: 'SHA-256' }, creds, req))).toMatchObject({
      response: '753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1', algorithm: 'SHA-256',
    });
  });

  it('answers an RFC 2069 challenge (no qop) without cnonce or nc', () => {
    const challenge = parseDigestChallenge('Digest realm="testrealm@host.com", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093"')!;
    const p = paramsOf(digestAuthorization(challenge, { username: 'Mufasa', password: 'Circle Of Life' }, { method: 'GET', uri: '/dir/index.html', body: EMPTY, nc: 1 }));
    expect(p.response).toBe('670fd8c2df070c60b045671b8b24ff02');
    expect(Object.keys(p)).not.toContain('cnonce');
    expect(Object.keys(p)).not.toContain('nc');
  });

  it('signs the body with qop=auth-int, and uses the session key with -sess', () => {
    const body = Buffer.from('v=0\r\n');
    const creds = { username: 'clave', password: 'pw' };
    const uri = 'sip:+34600111222@sbc.example.net';
    const int: DigestChallenge = { realm: 'sbc', nonce: 'n1', opaque: null, algorithm: 'MD5', qop: ['auth-int'], stale: false };
    const ha1 = md5('clave:sbc:pw');
    expect(paramsOf(digestAuthorization(int, creds, { method: 'INVITE', uri, body, nc: 2, cnonce: 'c' }))).toMatchObject({
      qop: 'auth-int', nc: '00000002', response: md5(`${ha1}:n1:00000002:c:auth-int:${md5(`INVITE:${uri}:${md5(body)}`)}`),
    });
    const sess: DigestChallenge = { ...int, algorithm: 'MD5-sess', qop: ['auth'] };
    expect(paramsOf(digestAuthorization(sess, creds, { method: 'INVITE', uri, body, nc: 1, cnonce: 'c' })).response).toBe(
      md5(`${md5(`${ha1}:n1:c`)}:n1:00000001:c:auth:${md5(`INVITE:${uri}`)}`),
    );
  });

  it('quotes a user name with quotes and backslashes, and draws a fresh cnonce each time', () => {
    const challenge: DigestChallenge = { realm: 'r', nonce: 'n', opaque: null, algorithm: 'MD5', qop: ['auth'], stale: false };
    const req = { method: 'INVITE', uri: 'sip:x@y', body: EMPTY, nc: 1 };
    const a = digestAuthorization(challenge, { username: 'a"b\\c', password: 'p' }, req);
    expect(a).toContain('username="a\\"b\\\\c"');
    expect(paramsOf(a).username).toBe('a"b\\c');
    expect(paramsOf(a).cnonce).not.toBe(paramsOf(digestAuthorization(challenge, { username: 'x', password: 'p' }, req)).cnonce);
  });
});
