import { expect } from 'vitest';
import { ClaveError, type ClaveErrorCode } from '../../../shared/index.ts';

/**
 * Asserts that `fn` throws a ClaveError with this code and `details.reason`:
 * a parser that starts returning garbage instead of throwing fails the test.
 *
 * @example
 *   expectMalformed(() => parseRtp(Buffer.alloc(3)), 'MALFORMED_RTP', 'truncated');
 */
export function expectMalformed(fn: () => unknown, code: ClaveErrorCode, reason?: string): ClaveError {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(ClaveError);
  const err = caught as ClaveError;
  expect(err.code).toBe(code);
  if (reason !== undefined) expect(err.details.reason).toBe(reason);
  return err;
}
