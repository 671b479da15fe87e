import type { DeliveryMessage } from '../types.ts';
import { createSmppChannel, type SmppChannel } from './smpp-channel.ts';
import type { SmppChannelOptions } from './smpp-options.ts';
import { parseSmppUrl } from './smpp-url.ts';
import type { TestSmsc } from './test-smsc.ts';

/** Test-only helpers for this folder's channel tests. */
export function sms(overrides: Partial<DeliveryMessage> = {}): DeliveryMessage {
  return {
    id: 'msg-1', channel: 'sms', to: '+34600000001', subject: null, text: 'Tu usuario es ana.garcia', language: 'es', expiresAt: null,
    ...overrides,
  };
}

/** A channel to the test centre with timings short enough for tests. */
export function channelTo(smsc: TestSmsc, overrides: Partial<SmppChannelOptions> = {}): SmppChannel {
  return createSmppChannel({
    ...parseSmppUrl(smsc.url), responseTimeoutMs: 1_000, bindWaitMs: 2_000, reconnectMinMs: 50, reconnectMaxMs: 400, ...overrides,
  });
}

/** Polls until `check` holds, failing after `ms`. */
export async function waitFor(check: () => boolean, ms = 3_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** The rejection of a promise that must fail. */
export async function failure(promise: Promise<unknown>): Promise<{ code: string; message: string; details: Record<string, unknown> }> {
  try {
    await promise;
  } catch (err) {
    return err as { code: string; message: string; details: Record<string, unknown> };
  }
  throw new Error('expected a failure');
}
