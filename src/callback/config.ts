import { ClaveError } from '../shared/index.ts';
import type { CallbackConfig } from './types.ts';

export const DEFAULT_CALLBACK_CONFIG: Readonly<CallbackConfig> = Object.freeze({
  maxAttempts: 3,
  retryAfterMs: 60_000,
  atCapacityRetryMs: 10_000,
  lifetimeMs: 15 * 60_000,
  leaseMs: 10 * 60_000,
  concurrency: 4,
  firstAttemptDelayMs: 10_000,
});

/**
 * The defaults with the given overrides, checked: a zero concurrency or lease
 * would make a queue that silently never dials.
 *
 * @example
 *   resolveCallbackConfig({ maxAttempts: 5 }).retryAfterMs; // 60_000
 */
export function resolveCallbackConfig(overrides: Partial<CallbackConfig> = {}): CallbackConfig {
  const config = { ...DEFAULT_CALLBACK_CONFIG, ...overrides };
  for (const [name, value] of Object.entries(config)) {
    const min = name === 'retryAfterMs' || name === 'atCapacityRetryMs' || name === 'firstAttemptDelayMs' ? 0 : 1;
    if (!Number.isSafeInteger(value) || value < min) {
      throw new ClaveError('INVALID_CONFIG', `call-back ${name} must be an integer ≥ ${min}`, { field: name });
    }
  }
  return config;
}
