// Issue 6: the signing key by call-back. The inbound call in heightened mode
// ends saying the call-back is coming; the call-back's own flow starts
// knowing the customer, says nothing secret until 1 is pressed, then reads
// the operation and the key.
import { beforeAll, describe, expect, it } from 'vitest';
import { Sensitive } from '../shared/index.ts';
import { loadFlows } from './loader.ts';
import { FlowDriver, type DriverAnswers } from './testing.ts';
import type { FlowBundle } from './types.ts';

let bundle: FlowBundle;
beforeAll(async () => {
  bundle = await loadFlows();
});

const KEY_READ: DriverAnswers = {
  service: (e) => ({
    type: 'serviceDone',
    requestId: e.requestId,
    result: { outcome: 'signing_key_read', vars: { amount: '320.00', currency: 'EUR', payee: 'Acme', keyMinutes: '5' }, secrets: { key: new Sensitive('482913') } },
  }),
};

function callBack(answers: DriverAnswers = KEY_READ, language = 'en') {
  return new FlowDriver(
    bundle,
    { flowId: 'signing-key-callback', callerId: '950183313', dialed: '+34600111222', preset: { customerId: 'CUS-0001', language, vars: { reference: '55102938' } } },
    answers,
  );
}

describe('the signing key by call-back', () => {
  it('the inbound call: the services promise a call-back, the caller hears it and the call ends signing_key_callback', () => {
    const d = new FlowDriver(bundle, { flowId: 'unlock-line', callerId: '+34600111222', dialed: '950183313' }, {
      identify: (e) => ({ type: 'identified', requestId: e.requestId, result: 'identified', customerId: 'CUS-0001' }),
      verify: (e) => ({ type: 'verified', requestId: e.requestId, result: 'verified' }),
      service: (e) => ({ type: 'serviceDone', requestId: e.requestId, result: { outcome: 'signing_key_callback' } }),
    });
    d.keys('2 3 2 1 12345678 55102938 4821 2580');
    expect(d.prompts.slice(-2)).toEqual(['signing_key_callback_scheduled', 'goodbye']);
    expect(d.prompts).not.toContain('signing_key');
    expect(d.ended).toEqual({ type: 'end', outcome: 'signing_key_callback', by: 'line' });
  });

  it('greets in the language of the call that asked, names the operation, and asks for 1 before anything secret', () => {
    const d = callBack(KEY_READ, 'es');
    const greeting = d.effects.find((e) => e.type === 'play');
    expect(greeting).toMatchObject({ language: 'es', prompts: [{ id: 'callback_greeting', params: { reference: '5 5 1 0 2 9 3 8' } }] });
    expect(d.effects.some((e) => e.type === 'service')).toBe(false);
    d.keys('1');
    expect(d.effects.find((e) => e.type === 'service')).toMatchObject({ service: 'signing_key', customerId: 'CUS-0001', reference: '55102938', language: 'es' });
    expect(d.prompts.slice(1)).toEqual(['signing_key_operation', 'signing_key', 'signing_key_repeat', 'callback_goodbye']);
    const key = d.effects.flatMap((e) => (e.type === 'play' ? e.prompts : [])).find((p) => p.id === 'signing_key');
    expect(key?.params['key']).toBe('4 8 2 9 1 3');
    expect(key?.maskedText).not.toMatch(/4.?8.?2.?9/);
    expect(d.ended).toEqual({ type: 'end', outcome: 'signing_key_read', by: 'line' });
  });

  it('a voicemail or a wrong person who never presses 1 hears no key: no_input, and no service runs', () => {
    const d = callBack();
    for (let i = 0; i < 3; i++) d.fireTimer();
    expect(d.effects.some((e) => e.type === 'service')).toBe(false);
    expect(d.prompts).toEqual(['callback_greeting', 'no_input', 'callback_greeting', 'no_input', 'callback_greeting', 'callback_goodbye']);
    expect(d.ended).toEqual({ type: 'end', outcome: 'no_input', by: 'line' });
  });

  it.each([
    ['operation_not_found', 'callback_operation_gone'],
    ['sim_swap_risk', 'callback_call_the_bank'],
    ['service_unavailable', 'service_unavailable_short'],
    ['self_service_suspended', 'self_service_suspended_short'],
  ])('a call-back whose key cannot be given (%s) says why and ends', (outcome, prompt) => {
    const d = callBack({ service: (e) => ({ type: 'serviceDone', requestId: e.requestId, result: { outcome: outcome as 'operation_not_found' } }) });
    d.keys('1');
    expect(d.prompts.slice(-2)).toEqual([prompt, 'callback_goodbye']);
    expect(d.ended?.outcome).toBe(outcome);
  });
});
