/**
 * The check every state machine of the SIP stack makes in its one
 * `transition(to)`: a move its table does not list is a bug, and throws.
 *
 * @example
 *   assertMove('dialog', { early: ['confirmed'], confirmed: [] }, 'early', 'confirmed'); // fine
 */
export function assertMove<S extends string>(what: string, moves: Record<S, readonly S[]>, from: S, to: S): void {
  if (!moves[from].includes(to)) throw new Error(`${what}: illegal move ${from} → ${to}`);
}
