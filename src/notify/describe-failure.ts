import { isClaveError } from '../shared/index.ts';
import { SECRET_MASK } from './render.ts';

const MAX_LENGTH = 500;

/**
 * The text stored as a message's last error: the error's code or name and
 * message, with every occurrence of the given clear values (the secret, the
 * rendered text) masked, because providers like to echo what they refused.
 *
 * @example describeFailure(new Error('rejected "code 481516"'), ['481516']) // 'Error: rejected "code ********"'
 */
export function describeFailure(err: unknown, clear: readonly (string | null)[]): string {
  let text: string;
  if (isClaveError(err)) text = `${err.code}: ${err.message}`;
  else if (err instanceof Error) text = `${err.name}: ${err.message}`;
  else text = 'non-error value thrown';
  // Longest first, so the rendered text is masked whole before the secret inside it.
  const values = clear.filter((v): v is string => typeof v === 'string' && v.length > 0).sort((a, b) => b.length - a.length);
  for (const value of values) text = text.split(value).join(SECRET_MASK);
  return text.length > MAX_LENGTH ? `${text.slice(0, MAX_LENGTH - 1)}…` : text;
}
