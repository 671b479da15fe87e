import { Counter, Gauge, type Registry } from 'prom-client';
import type { AttemptOutcome } from './attempt-outcome.ts';
import type { ChannelHealth } from './channel-health.ts';
import type { OutboxChannel } from './types.ts';

/** Why a message ended failed, as the failed counter labels it. */
export type FailureReason = 'rejected' | 'attempts_exhausted' | 'too_late_to_retry' | 'receipt' | 'secret_unavailable';

export interface DeliveryMetrics {
  attempt(channel: OutboxChannel, provider: string, outcome: AttemptOutcome): void;
  sent(channel: OutboxChannel, provider: string): void;
  delivered(channel: OutboxChannel, provider: string): void;
  failed(channel: OutboxChannel, provider: string, reason: FailureReason): void;
  retried(channel: OutboxChannel, provider: string): void;
  expired(count: number): void;
}

/** For workers without metrics (tests, tools). */
export const NO_METRICS: DeliveryMetrics = {
  attempt() {}, sent() {}, delivered() {}, failed() {}, retried() {}, expired() {},
};

/**
 * Prometheus counters of the outbox's deliveries, on the given registry (one
 * per process: Prometheus adds the processes up). Labels carry the channel,
 * the provider and an outcome, never a recipient.
 *
 * @example
 *   const registry = new Registry();
 *   const metrics = createDeliveryMetrics(registry, health);
 *   createOutboxWorker({ ..., metrics });
 *   // GET /metrics → await registry.metrics()
 */
export function createDeliveryMetrics(registry: Registry, health?: ChannelHealth): DeliveryMetrics {
  const labelNames = ['channel', 'provider'] as const;
  const attempts = new Counter({
    name: 'clave_outbox_attempts_total', help: 'Delivery attempts, by how they ended.',
    labelNames: [...labelNames, 'outcome'], registers: [registry],
  });
  const sent = new Counter({ name: 'clave_outbox_sent_total', help: 'Messages a provider accepted.', labelNames, registers: [registry] });
  const delivered = new Counter({
    name: 'clave_outbox_delivered_total', help: 'Messages delivered (a receipt, or acceptance where the channel gives no receipts).',
    labelNames, registers: [registry],
  });
  const failed = new Counter({
    name: 'clave_outbox_failed_total', help: 'Messages that ended failed, by reason.',
    labelNames: [...labelNames, 'reason'], registers: [registry],
  });
  const retried = new Counter({ name: 'clave_outbox_retried_total', help: 'Failed attempts scheduled for a retry.', labelNames, registers: [registry] });
  const expired = new Counter({ name: 'clave_outbox_expired_total', help: 'Messages whose lifetime ended before delivery.', registers: [registry] });
  if (health) {
    new Gauge({
      name: 'clave_delivery_channel_available', help: '1 while the line may promise messages on the channel, 0 while it is failing.',
      labelNames, registers: [registry],
      collect() {
        for (const s of health.status()) this.set({ channel: s.channel, provider: s.provider }, s.available ? 1 : 0);
      },
    });
  }
  return {
    attempt: (channel, provider, outcome) => attempts.inc({ channel, provider, outcome }),
    sent: (channel, provider) => sent.inc({ channel, provider }),
    delivered: (channel, provider) => delivered.inc({ channel, provider }),
    failed: (channel, provider, reason) => failed.inc({ channel, provider, reason }),
    retried: (channel, provider) => retried.inc({ channel, provider }),
    expired: (count) => { if (count > 0) expired.inc(count); },
  };
}
