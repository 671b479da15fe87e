import { inspect } from 'node:util';

/**
 * Wraps a secret (PIN digits, a temporary password, a signing key) so that it
 * cannot leak by accident: JSON, string conversion and util.inspect all print
 * a mask. Only `reveal()` gives the value, and grepping for it finds every
 * place that needs it.
 *
 * @example
 *   const pin = new Sensitive('2580');
 *   JSON.stringify({ pin }); // '{"pin":"[secret]"}'
 *   pin.reveal();            // '2580'
 */
export class Sensitive<T = string> {
  readonly #value: T;

  constructor(value: T) {
    this.#value = value;
  }

  reveal(): T {
    return this.#value;
  }

  toJSON(): string {
    return '[secret]';
  }

  toString(): string {
    return '[secret]';
  }

  [inspect.custom](): string {
    return 'Sensitive([secret])';
  }
}

/** Masks every character but keeps the length visible, as transcripts show secrets. */
export function mask(value: string): string {
  return '*'.repeat(value.length);
}
