// Issue 6: what the default flow says and does when a security mode refuses a
// service (self_service_suspended, with `suspended` saying why).
import { beforeAll, describe, expect, it } from 'vitest';
import { loadFlows } from './loader.ts';
import { FlowDriver, type DriverAnswers } from './testing.ts';
import type { FlowBundle } from './types.ts';

let bundle: FlowBundle;
beforeAll(async () => {
  bundle = await loadFlows();
});

function suspended(by?: string, transfer: 'completed' | 'refused' = 'completed'): DriverAnswers {
  return {
    identify: (e) => ({ type: 'identified', requestId: e.requestId, result: 'identified', customerId: 'CUS-0001' }),
    verify: (e) => ({ type: 'verified', requestId: e.requestId, result: 'verified' }),
    service: (e) => ({ type: 'serviceDone', requestId: e.requestId, result: { outcome: 'self_service_suspended', ...(by ? { vars: { suspended: by } } : {}) } }),
    transfer: (e) => ({ type: 'transferred', requestId: e.requestId, result: transfer }),
  };
}

function call(answers: DriverAnswers) {
  return new FlowDriver(bundle, { flowId: 'unlock-line', callerId: '+34600111222', dialed: '950183313' }, answers);
}

const EBANKING = '1 1 1 1 12345678 4821 2580';
const SIGNING_KEY = '1 3 2 1 12345678 55102938 4821 2580';

describe('the unlock line under a security mode', () => {
  it('heightened: an e-banking recovery goes to an agent, saying no password goes by SMS; the call records self_service_suspended', () => {
    const d = call(suspended('agent_only'));
    d.keys(EBANKING);
    expect(d.prompts.slice(-2)).toEqual(['security_agent_only', 'transfer_agent']);
    expect(d.effects.filter((e) => e.type === 'transfer')).toMatchObject([{ target: 'agent' }]);
    expect(d.ended).toEqual({ type: 'end', outcome: 'self_service_suspended', by: 'line' });
  });

  it('heightened: a signing key is not read; the caller hears it comes by a call to the registered mobile, and an agent meanwhile', () => {
    const d = call(suspended('callback'));
    d.keys(SIGNING_KEY);
    expect(d.effects.find((e) => e.type === 'service')).toMatchObject({ service: 'signing_key', reference: '55102938' });
    expect(d.prompts.slice(-2)).toEqual(['signing_key_callback', 'transfer_agent']);
    expect(d.prompts).not.toContain('signing_key');
    expect(d.ended?.outcome).toBe('self_service_suspended');
  });

  it('lockdown: the announcement, then the offer of an agent, taken with 0', () => {
    const d = call(suspended('lockdown'));
    d.keys(EBANKING);
    expect(d.prompts.slice(-2)).toEqual(['self_service_suspended', 'offer_agent']);
    expect(d.ended).toBeUndefined();
    d.keys('0');
    expect(d.prompts.at(-1)).toBe('transfer_agent');
    expect(d.ended).toEqual({ type: 'end', outcome: 'self_service_suspended', by: 'line' });
  });

  it('lockdown: a caller who wants no agent hears goodbye; the outcome stays self_service_suspended', () => {
    const d = call(suspended('lockdown'));
    d.keys(SIGNING_KEY);
    d.fireTimer();
    expect(d.prompts.slice(-3)).toEqual(['self_service_suspended', 'offer_agent', 'goodbye']);
    expect(d.ended).toEqual({ type: 'end', outcome: 'self_service_suspended', by: 'line' });
  });

  it('treats a refusal that does not say why as lockdown: the announcement and an agent', () => {
    const d = call(suspended());
    d.keys(EBANKING);
    expect(d.prompts.slice(-2)).toEqual(['self_service_suspended', 'offer_agent']);
  });

  it('keeps the outcome when the agent transfer fails', () => {
    const d = call(suspended('agent_only', 'refused'));
    d.keys(EBANKING);
    expect(d.prompts.slice(-3)).toEqual(['transfer_agent', 'transfer_failed', 'goodbye']);
    expect(d.ended?.outcome).toBe('self_service_suspended');
  });

  it('speaks both languages', () => {
    const d = call(suspended('lockdown'));
    d.keys(EBANKING.replace(/^1/, '2'));
    const played = d.effects.flatMap((e) => (e.type === 'play' ? e.prompts : [])).find((p) => p.id === 'self_service_suspended');
    expect(played?.text).toBe(
      'For security reasons, the automated service is suspended at the moment, and nothing can be changed on this line. An agent can help you.',
    );
    for (const id of ['security_agent_only', 'signing_key_callback', 'self_service_suspended']) {
      expect(bundle.catalogs.get('es')?.[id], `es ${id}`).toMatch(/^Por (su seguridad|motivos de seguridad), /);
      expect(bundle.catalogs.get('en')?.[id], `en ${id}`).toMatch(/^For (your security|security reasons), /);
    }
  });
});
