import { describe, expect, it } from 'vitest';
import { isClaveError } from '../../shared/index.ts';
import { parseSmppUrl } from './smpp-url.ts';

function refusal(url: string): { code: string; message: string } {
  try {
    parseSmppUrl(url);
  } catch (err) {
    if (isClaveError(err)) return { code: err.code, message: err.message };
  }
  throw new Error(`accepted ${url}`);
}

describe('parseSmppUrl', () => {
  it('reads the bind credentials, the sender and the tuning', () => {
    expect(parseSmppUrl('smpp://clave:s3cr%40t@smsc.bank.example:2776?source_addr=Clave&window=20&system_type=&response_timeout_ms=5000&enquire_link_ms=15000&source_ton=5&source_npi=0&bind_wait_ms=100'))
      .toEqual({
        host: 'smsc.bank.example', port: 2776, systemId: 'clave', password: 's3cr@t', systemType: '', sourceAddr: 'Clave', window: 20,
        responseTimeoutMs: 5000, enquireLinkMs: 15000, sourceAddrTon: 5, sourceAddrNpi: 0, bindWaitMs: 100,
      });
  });

  it('defaults the port to 2775', () => {
    expect(parseSmppUrl('smpp://clave:pw@127.0.0.1?source_addr=34600000000')).toEqual({
      host: '127.0.0.1', port: 2775, systemId: 'clave', password: 'pw', sourceAddr: '34600000000',
    });
  });

  it('refuses what it cannot honour with INVALID_CONFIG, never repeating the password', () => {
    const cases = [
      'ssmpp://clave:hunter2@h?source_addr=C',
      'smpp://clave:hunter2@h',
      'smpp://clave:hunter2@h?source_addr=C&windwo=3',
      'smpp://clave:hunter2@h?source_addr=C&window=-1',
      'smpp://clave:hunter2@h?source_addr=C&window=',
      'smpp://clave:hunter2xyz@h?source_addr=C',
      'smpp://:hunter2@h?source_addr=C',
      'smpp://a-system-id-too-long:hunter2@h?source_addr=C',
      'not a url',
    ];
    for (const url of cases) {
      const { code, message } = refusal(url);
      expect(code, url).toBe('INVALID_CONFIG');
      expect(message, url).not.toContain('hunter2');
    }
  });
});
