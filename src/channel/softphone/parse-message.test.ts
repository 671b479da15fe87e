import { describe, expect, it } from 'vitest';
import { MAX_FRAME_BYTES, parseClientMessage, parseServerMessage } from './parse-message.ts';

describe('parseClientMessage', () => {
  it('accepts the three client messages', () => {
    expect(parseClientMessage('{"type":"dial","from":"+34600111222","to":"950183313"}')).toEqual({
      ok: true,
      msg: { type: 'dial', from: '+34600111222', to: '950183313' },
    });
    expect(parseClientMessage('{"type":"keys","value":"*12#"}')).toEqual({ ok: true, msg: { type: 'keys', value: '*12#' } });
    expect(parseClientMessage('{"type":"hangup"}')).toEqual({ ok: true, msg: { type: 'hangup' } });
  });

  it('refuses non-JSON, unknown types, bad keys and oversized frames without echoing values', () => {
    expect(parseClientMessage('{')).toEqual({ ok: false, message: 'message is not JSON' });
    const unknown = parseClientMessage('{"type":"ring"}');
    expect(unknown.ok).toBe(false);
    expect(!unknown.ok && unknown.message).toMatch(/^invalid message \(type: /);
    const keys = parseClientMessage('{"type":"keys","value":"2580!"}');
    expect(!keys.ok && keys.message).toMatch(/^invalid message \(value: /);
    expect(!keys.ok && keys.message).not.toContain('2580');
    expect(parseClientMessage(' '.repeat(MAX_FRAME_BYTES + 1))).toEqual({ ok: false, message: `message longer than ${MAX_FRAME_BYTES} bytes` });
  });
});

describe('parseServerMessage', () => {
  it('accepts a listen with and without the secret flag and refuses a broken ended', () => {
    expect(parseServerMessage('{"type":"listen","node":"pin","kind":"collect","maxDigits":4,"secret":true}')).toEqual({
      ok: true,
      msg: { type: 'listen', node: 'pin', kind: 'collect', maxDigits: 4, secret: true },
    });
    expect(parseServerMessage('{"type":"listen","node":"m","kind":"menu","maxDigits":1}').ok).toBe(true);
    expect(parseServerMessage('{"type":"ended","callId":"c1"}').ok).toBe(false);
  });
});
