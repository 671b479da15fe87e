import {
  BrokenCircuitError, circuitBreaker, CircuitState, CountBreaker, ExponentialBackoff, halfJitterGenerator, handleWhen,
  type CircuitBreakerPolicy,
} from 'cockatiel';
import { ClaveError, isClaveError } from '../shared/index.ts';
import type { ChannelConnectionState, DeliveryChannel, OutboxChannel } from './types.ts';

export interface ChannelHealthOptions {
  /** Share of the last `window` attempts that must have failed to open the circuit (default 0.5). */
  threshold?: number;
  /** Attempts remembered (default 20). */
  window?: number;
  /** Attempts needed before the circuit may open (default 5). */
  minimumAttempts?: number;
  /** First wait before one trial attempt goes through an open circuit; doubles up to `maxHalfOpenAfterMs` (defaults 10 s, 5 min). */
  halfOpenAfterMs?: number;
  maxHalfOpenAfterMs?: number;
}

export interface ChannelStatus {
  channel: OutboxChannel;
  provider: string;
  /** Whether the line may promise a message on this channel now. */
  available: boolean;
  /** The circuit over recent attempts: closed (working), open (failing, attempts held back), half-open (one trial let through). */
  circuit: 'closed' | 'open' | 'half-open';
  /** The channel's connection, when it keeps one (SMPP); null otherwise. */
  connection: ChannelConnectionState | null;
}

export interface ChannelHealth {
  /** Runs one delivery attempt through the channel's circuit; an open circuit throws DELIVERY_UNAVAILABLE at once. */
  execute<T>(channel: OutboxChannel, attempt: () => Promise<T>): Promise<T>;
  /** The line asks before it promises a message: false while the circuit is open or the connection is down. */
  available(channel: OutboxChannel): boolean;
  status(): ChannelStatus[];
  /** Called with the channel whenever its circuit opens or closes. */
  onChange(listener: (channel: OutboxChannel, status: ChannelStatus) => void): () => void;
}

/**
 * What the line knows of its delivery channels: a circuit breaker
 * (cockatiel) per channel over the recent delivery attempts, and the
 * channel's own connection state where it has one. A refused message (a bad
 * number) says nothing about the channel and does not count; a connection
 * that fails, a provider that does not answer or throttles does.
 *
 * @example
 *   const health = createChannelHealth({ sms: smpp, email: smtp });
 *   if (!health.available('sms')) // tell the caller, offer an agent
 *   await health.execute('sms', () => smpp.deliver(msg));
 */
export function createChannelHealth(
  channels: Record<OutboxChannel, DeliveryChannel>,
  options: ChannelHealthOptions = {},
): ChannelHealth {
  const listeners = new Set<(channel: OutboxChannel, status: ChannelStatus) => void>();
  const countsAgainst = handleWhen((err) => !isClaveError(err, 'DELIVERY_REJECTED'));
  const breakers = new Map<OutboxChannel, CircuitBreakerPolicy>();
  // One breaker per distinct channel object: SMS and e-mail on one dev mailbox share it.
  const byChannel = new Map<DeliveryChannel, CircuitBreakerPolicy>();
  for (const name of Object.keys(channels) as OutboxChannel[]) {
    const target = channels[name];
    let breaker = byChannel.get(target);
    if (!breaker) {
      breaker = circuitBreaker(countsAgainst, {
        // Half jitter: never less than half the wait (the default decorrelated jitter can try again at once).
        halfOpenAfter: new ExponentialBackoff({
          generator: halfJitterGenerator,
          initialDelay: options.halfOpenAfterMs ?? 10_000,
          maxDelay: options.maxHalfOpenAfterMs ?? 5 * 60_000,
        }),
        breaker: new CountBreaker({
          threshold: options.threshold ?? 0.5,
          size: options.window ?? 20,
          minimumNumberOfCalls: options.minimumAttempts ?? 5,
        }),
      });
      byChannel.set(target, breaker);
    }
    breakers.set(name, breaker);
    breaker.onStateChange(() => {
      const status = statusOf(name);
      for (const listener of listeners) listener(name, status);
    });
  }

  function breakerOf(channel: OutboxChannel): CircuitBreakerPolicy {
    const breaker = breakers.get(channel);
    if (!breaker) throw new ClaveError('INVALID_ARGUMENT', `no delivery channel for ${channel}`);
    return breaker;
  }

  function statusOf(channel: OutboxChannel): ChannelStatus {
    const state = breakerOf(channel).state;
    const circuit = state === CircuitState.Closed ? 'closed' : state === CircuitState.HalfOpen ? 'half-open' : 'open';
    const connection = channels[channel].connectionState?.() ?? null;
    return { channel, provider: channels[channel].provider, circuit, connection, available: circuit !== 'open' && connection !== 'down' };
  }

  return {
    async execute(channel, attempt) {
      try {
        return await breakerOf(channel).execute(attempt);
      } catch (err) {
        if (err instanceof BrokenCircuitError) {
          throw new ClaveError('DELIVERY_UNAVAILABLE', `${channel} channel is failing; attempts are held back until it recovers`, { circuit: 'open' });
        }
        throw err;
      }
    },
    available: (channel) => statusOf(channel).available,
    status: () => [...breakers.keys()].map(statusOf),
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
