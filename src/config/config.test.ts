import { describe, expect, it } from 'vitest';
import { ClaveError } from '../shared/index.ts';
import { loadConfig } from './index.ts';

/** The ClaveError loadConfig throws for `env`. */
function refusal(env: Record<string, string>): ClaveError {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ClaveError) return err;
    throw err;
  }
  throw new Error('the configuration was accepted');
}

describe('loadConfig', () => {
  it('starts the demo line from an empty environment: loopback, port 8080, no trunk, no limit', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ host: '127.0.0.1', httpPort: 8080, sipTrunk: undefined, maxCalls: undefined, atCapacity: 'announce', callbackRingMs: 30_000 });
  });

  it('reads the trunk as host and port, IPv6 without brackets, 5060 by default', () => {
    expect(loadConfig({ CLAVE_SIP_TRUNK: 'sip:10.0.0.5' }).sipTrunk).toEqual({ host: '10.0.0.5', port: 5060 });
    expect(loadConfig({ CLAVE_SIP_TRUNK: 'sip:[2001:db8::5]:5080;transport=udp' }).sipTrunk).toEqual({ host: '2001:db8::5', port: 5080 });
    expect(refusal({ CLAVE_SIP_TRUNK: 'sips:sbc.example.net' }).message).toBe('CLAVE_SIP_TRUNK: a SIP URI sip:HOST[:PORT] (UDP)');
  });

  it('keeps the trunk password wrapped: it prints as [secret] wherever the configuration is shown', () => {
    const c = loadConfig({ CLAVE_SIP_TRUNK: 'sip:sbc.example.net', CLAVE_SIP_TRUNK_USER: 'clave', CLAVE_SIP_TRUNK_PASSWORD: 'hunter2-trunk' });
    expect(c.sipTrunk?.credentials?.username).toBe('clave');
    expect(c.sipTrunk?.credentials?.password.reveal()).toBe('hunter2-trunk');
    expect(JSON.stringify(c)).not.toContain('hunter2');
    expect(String(c.sipTrunk?.credentials?.password)).toBe('[secret]');
  });

  it('wants the trunk user and password together, and a trunk to use them with', () => {
    expect(refusal({ CLAVE_SIP_TRUNK: 'sip:10.0.0.5', CLAVE_SIP_TRUNK_USER: 'clave' })).toMatchObject({
      code: 'INVALID_CONFIG', details: { variable: 'CLAVE_SIP_TRUNK_PASSWORD' },
    });
    expect(refusal({ CLAVE_SIP_TRUNK: 'sip:10.0.0.5', CLAVE_SIP_TRUNK_PASSWORD: 'x' }).details).toEqual({ variable: 'CLAVE_SIP_TRUNK_USER' });
    expect(refusal({ CLAVE_SIP_TRUNK_USER: 'clave', CLAVE_SIP_TRUNK_PASSWORD: 'x' }).message).toBe('CLAVE_SIP_TRUNK_USER: there is no CLAVE_SIP_TRUNK to use it with');
    // Empty is unset, as for every variable.
    expect(loadConfig({ CLAVE_SIP_TRUNK: 'sip:10.0.0.5', CLAVE_SIP_TRUNK_USER: '', CLAVE_SIP_TRUNK_PASSWORD: '' }).sipTrunk).toEqual({ host: '10.0.0.5', port: 5060 });
  });

  it('names the variable that is wrong', () => {
    expect(refusal({ CLAVE_MAX_CALLS: '0' }).details).toEqual({ variable: 'CLAVE_MAX_CALLS' });
    expect(refusal({ CLAVE_AT_CAPACITY: 'drop' }).details).toEqual({ variable: 'CLAVE_AT_CAPACITY' });
    expect(refusal({ CLAVE_RTP_PORT_MIN: '30000', CLAVE_RTP_PORT_MAX: '30001' }).details).toEqual({ variable: 'CLAVE_RTP_PORT_MAX' });
    expect(refusal({ CLAVE_SMPP_URL: 'smpp://u:p@127.0.0.1:2775', CLAVE_SMS_HTTP_CONFIG: '{}' }).details).toEqual({ variable: 'CLAVE_SMS_HTTP_CONFIG' });
  });
});
