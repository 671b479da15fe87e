import { beforeAll, describe, expect, it } from 'vitest';
import { Sensitive } from '../shared/index.ts';
import { loadFlows } from './loader.ts';
import { FlowDriver, type DriverAnswers } from './testing.ts';
import type { FlowBundle } from './types.ts';

let bundle: FlowBundle;
beforeAll(async () => {
  bundle = await loadFlows();
});

const ok: DriverAnswers = {
  identify: (e) => ({ type: 'identified', requestId: e.requestId, result: 'identified', customerId: 'CUS-0001' }),
  verify: (e) => ({ type: 'verified', requestId: e.requestId, result: e.pin.reveal() === '2580' ? 'verified' : 'failed' }),
  service: (e) => ({ type: 'serviceDone', requestId: e.requestId, result: { outcome: 'ebanking_user_recovered' } }),
  transfer: (e) => ({ type: 'transferred', requestId: e.requestId, result: 'completed' }),
};

function call(answers: DriverAnswers = ok, dialed = '950183313') {
  const flowId = bundle.numbers.get(dialed) ?? 'unlock-line';
  return new FlowDriver(bundle, { flowId, callerId: '+34600111222', dialed }, answers);
}

describe('unlock line flow', () => {
  it('recovers an e-banking user with the whole sequence keyed', () => {
    const d = call();
    d.keys('1 1 1 1 12345678 4821 2580');
    expect(d.ended).toEqual({ type: 'end', outcome: 'ebanking_user_recovered', by: 'line' });
    const identify = d.effects.find((e) => e.type === 'identify');
    expect(identify).toMatchObject({ document: { type: 'DNI', digits: '12345678' } });
    const service = d.effects.find((e) => e.type === 'service');
    expect(service).toMatchObject({ service: 'ebanking_recovery', customerId: 'CUS-0001', language: 'es' });
    expect(d.prompts.slice(-2)).toEqual(['ebanking_done', 'goodbye']);
  });

  it('never keeps the PIN in the snapshot nor shows it in input records', () => {
    const d = call({ ...ok, verify: undefined });
    d.keys('1 1 1 1 12345678 4821 2580');
    const verify = d.effects.find((e) => e.type === 'verify');
    expect(verify?.type === 'verify' && verify.pin.reveal()).toBe('2580');
    expect(JSON.stringify(d.snapshot)).not.toContain('2580');
    expect(JSON.stringify(d.effects)).not.toContain('2580');
    expect(d.effects).toContainEqual({ type: 'input', node: 'pin', value: '****', secret: true });
  });

  it('says which part is down when a service is unavailable, then offers an agent', () => {
    const unavailable = (part?: string) => call({
      ...ok,
      service: (e) => ({ type: 'serviceDone', requestId: e.requestId, result: { outcome: 'service_unavailable', ...(part ? { vars: { unavailable: part } } : {}) } }),
    });
    const sms = unavailable('sms');
    sms.keys('1 1 1 1 12345678 4821 2580');
    expect(sms.prompts.slice(-2)).toEqual(['messages_unavailable', 'offer_agent']);
    expect(sms.snapshot.outcome).toBe('service_unavailable');
    const bank = unavailable('bank');
    bank.keys('1 1 1 1 12345678 4821 2580');
    expect(bank.prompts.slice(-2)).toEqual(['service_unavailable', 'offer_agent']);
    const unsaid = unavailable();
    unsaid.keys('1 1 1 1 12345678 4821 2580');
    expect(unsaid.prompts.slice(-2)).toEqual(['service_unavailable', 'offer_agent']);
  });

  it('announces what concerns the call after the language menu, before the main menu; a key skips it and counts for the menu', () => {
    const piece = (text: string) => ({ id: 'announcement', text, params: {}, maskedText: text, maskedParams: {}, language: 'en' });
    const d = call({ ...ok, announce: (e) => ({ type: 'announced', requestId: e.requestId, prompts: [piece(`E-banking is down (${e.language}, ${e.dialed}, ${e.callerId})`)] }) });
    d.autoEndPrompts = false;
    d.keys('2');
    const announce = d.effects.find((e) => e.type === 'announce');
    expect(announce).toMatchObject({ type: 'announce', language: 'en', dialed: '950183313', callerId: '+34600111222' });
    const played = d.effects.filter((e) => e.type === 'play').at(-1);
    expect(played?.type === 'play' && played.prompts.map((p) => p.text)).toEqual(['E-banking is down (en, 950183313, +34600111222)']);
    expect(played?.type === 'play' && played.bargeIn).toBe(true);
    expect(d.snapshot.nodeId).toBe('announce');
    d.keys('3');
    expect(d.effects).toContainEqual({ type: 'stopPlay', playId: played?.type === 'play' ? played.playId : -1 });
    // The key is type-ahead, as everywhere: it answers the main menu (3: other services), unheard.
    expect(d.effects).toContainEqual({ type: 'input', node: 'main', value: '3', secret: false });
    expect(d.snapshot.nodeId).toBe('other_menu');
    expect(d.prompts).not.toContain('main_menu');
  });

  it('goes straight to the menu when nothing is announced, and after the announcement ends', () => {
    const quiet = call();
    quiet.keys('1');
    expect(quiet.snapshot.nodeId).toBe('main');
    const told = call({ ...ok, announce: (e) => ({ type: 'announced', requestId: e.requestId, prompts: [{ id: 'announcement', text: 'x', params: {}, maskedText: 'x', maskedParams: {} }] }) });
    told.keys('1');
    expect(told.prompts.slice(-2)).toEqual(['announcement', 'main_menu']);
  });

  it('switches the language of prompts with the language menu', () => {
    const d = call();
    d.keys('2');
    const last = d.effects.filter((e) => e.type === 'play').at(-1);
    expect(last?.type === 'play' && last.language).toBe('en');
    expect(last?.type === 'play' && last.prompts[0]?.text).toMatch(/^To unlock or recover your user/);
  });

  it('builds an NIE from the prefix key and seven digits', () => {
    const d = call({ ...ok, service: (e) => ({ type: 'serviceDone', requestId: e.requestId, result: { outcome: 'phonebanking_user_recovered' } }) });
    d.keys('2 1 2 2 1 1234567');
    expect(d.effects.find((e) => e.type === 'identify')).toMatchObject({ document: { type: 'NIE', niePrefix: '1', digits: '1234567' } });
  });

  it('asks the operation reference before the card, and # ends it early', () => {
    const d = call({ ...ok, verify: undefined });
    d.keys('1 2 1 12345678 4071#');
    expect(d.snapshot.vars['reference']).toBe('4071');
    expect(d.snapshot.nodeId).toBe('card');
  });

  it('reads the signing key twice, masked in what records keep', () => {
    const d = call({
      ...ok,
      service: (e) => ({
        type: 'serviceDone',
        requestId: e.requestId,
        result: { outcome: 'signing_key_read', vars: { amount: '320.00', currency: 'EUR', payee: 'ES79', keyMinutes: '5' }, secrets: { key: new Sensitive('48215509') } },
      }),
    });
    d.keys('2 3 2 1 12345678 55102938 4821 2580');
    const plays = d.effects.flatMap((e) => (e.type === 'play' ? e.prompts : []));
    const key = plays.filter((p) => p.id === 'signing_key' || p.id === 'signing_key_repeat');
    expect(key.map((p) => p.params['key'])).toEqual(['4 8 2 1 5 5 0 9', '4 8 2 1 5 5 0 9']);
    expect(key.every((p) => !p.maskedText.includes('4 8 2 1'))).toBe(true);
    expect(d.ended?.outcome).toBe('signing_key_read');
    expect(d.snapshot.secrets).toEqual({});
  });

  it('goes back to the card after a mismatch and ends after three', () => {
    const d = call();
    d.keys('1 1 1 1 12345678');
    d.keys('4821 1111');
    expect(d.snapshot.nodeId).toBe('card');
    expect(d.prompts).toContain('details_mismatch');
    d.keys('4821 1111 4821 1111');
    expect(d.ended?.outcome).toBe('verification_failed');
  });

  it('repeats the prompt on silence and offers an agent after three tries', () => {
    const d = call();
    d.fireTimer();
    d.fireTimer();
    expect(d.prompts.filter((p) => p === 'language_menu')).toHaveLength(3);
    d.fireTimer();
    expect(d.snapshot.nodeId).toBe('max_tries');
    d.fireTimer();
    expect(d.ended?.outcome).toBe('no_input');
  });

  it('ends a variable-length input after the inter-digit silence', () => {
    const d = call({ ...ok, verify: undefined });
    d.keys('1 2 1 12345678 407');
    expect(d.timers.size).toBe(1);
    d.fireTimer();
    expect(d.snapshot.vars['reference']).toBe('407');
  });

  it('refuses a fixed-length input cut short', () => {
    const d = call();
    d.keys('1 1 1 1 1234');
    d.fireTimer();
    expect(d.prompts).toContain('invalid_input');
    expect(d.snapshot.nodeId).toBe('dni');
    expect(d.snapshot.input.tries).toBe(1);
  });

  it('star repeats a menu and zero asks for an agent', () => {
    const d = call();
    d.keys('1 *');
    expect(d.prompts.filter((p) => p === 'main_menu')).toHaveLength(2);
    d.keys('0');
    expect(d.ended).toEqual({ type: 'end', outcome: 'transferred_to_agent', by: 'line' });
  });

  it('stops a prompt when a key is pressed during it (barge-in)', () => {
    const d = call();
    d.autoEndPrompts = false;
    d.send({ type: 'promptEnded', playId: 1 });
    d.keys('1');
    const play = d.effects.filter((e) => e.type === 'play').at(-1);
    d.keys('1');
    expect(d.effects).toContainEqual({ type: 'stopPlay', playId: play?.type === 'play' ? play.playId : -1 });
    expect(d.snapshot.nodeId).toBe('user_menu');
  });

  it('keeps type-ahead pressed during a bank call for the next input', () => {
    const d = call({ ...ok, identify: undefined });
    d.keys('1 1 1 1 12345678 4821');
    expect(d.snapshot.typeahead).toBe('4821');
    const req = d.snapshot.pending?.requestId ?? -1;
    d.send({ type: 'identified', requestId: req, result: 'identified', customerId: 'CUS-0001' });
    expect(d.snapshot.nodeId).toBe('pin');
    expect(d.snapshot.vars['card']).toBe('4821');
  });

  it('records caller_hung_up, or the service outcome when it already ran', () => {
    const early = call();
    early.keys('1 1');
    early.send({ type: 'hangup' });
    expect(early.ended).toEqual({ type: 'end', outcome: 'caller_hung_up', by: 'caller' });

    const late = call({ ...ok, service: undefined });
    late.keys('1 1 1 1 12345678 4821 2580');
    late.send({ type: 'hangup' });
    expect(late.ended).toBeUndefined();
    late.send({ type: 'serviceDone', requestId: late.snapshot.pending?.requestId ?? -1, result: { outcome: 'ebanking_user_recovered' } });
    expect(late.ended).toEqual({ type: 'end', outcome: 'ebanking_user_recovered', by: 'caller' });
  });

  it('enters the unlock line from the support menu option 4', () => {
    const d = call(ok, '901511000');
    d.keys('4 1 1 1 1 12345678 4821 2580');
    expect(d.ended?.outcome).toBe('ebanking_user_recovered');
    expect(d.snapshot.path[0]).toBe('ebanking-support:support_menu');
  });

  it('sends CIF or passport holders to an agent', () => {
    const d = call();
    d.keys('1 1 1 3');
    expect(d.effects.some((e) => e.type === 'transfer')).toBe(true);
    expect(d.ended?.outcome).toBe('transferred_to_agent');
  });
});
