import type { Logger } from '../log/index.ts';
import { ClaveError, type Clock, type TimerHandle } from '../shared/index.ts';
import type { Db } from '../store/index.ts';
import { readAudit, writeAudit } from './audit.ts';
import { applyChange, expireDue, insertChange, listChanges, rejectChange } from './security-mode-commands.ts';
import { expiredView } from './security-mode-rows.ts';
import { SECURITY_MODES, type AuditEntry, type ProposeInput, type SecurityChange, type SecurityModeState } from './types.ts';

export interface SecurityModesDeps {
  db: Db;
  clock: Clock;
  logger?: Logger;
  /** A proposal not approved within this long expires (default 1 hour). */
  pendingTtlMs?: number;
  /** How often the mode is read again from the store, so that every process agrees (default 5 s). */
  refreshMs?: number;
}

export type SecurityModeListener = (state: SecurityModeState, previous: SecurityModeState) => void;

export interface SecurityModes {
  /** Reads the mode and keeps it fresh until stop(). Call before the line takes calls. */
  start(): Promise<void>;
  stop(): void;
  /**
   * The mode in force now, from memory (no I/O: the line asks on every
   * service). A mode whose expiry has passed reads as normal at once, before
   * the store says so. Throws (a bug) before start() or refresh().
   */
  current(): SecurityModeState;
  /** Reads the store, puts an expired mode back to normal there, fires onChange if the mode changed. */
  refresh(): Promise<SecurityModeState>;
  /** One operator's proposal; another must approve it (four eyes). */
  propose(input: ProposeInput, operator: string): Promise<SecurityChange>;
  /** Applies a pending change. APPROVER_IS_PROPOSER for its proposer; SECURITY_CHANGE_NOT_PENDING once expired, superseded or settled. */
  approve(id: string, operator: string): Promise<{ change: SecurityChange; current: SecurityModeState }>;
  /** Withdraws or turns down a pending change. */
  reject(id: string, operator: string): Promise<SecurityChange>;
  /** Changes, newest first; `pending: true` lists those open to approval. */
  changes(options?: { pending?: boolean; limit?: number }): Promise<SecurityChange[]>;
  /** The audit trail of mode changes, newest first: proposed, approved, refused, rejected, expired. */
  history(options?: { limit?: number }): Promise<AuditEntry[]>;
  /** Called after the mode changed (here or in another process); returns the unsubscribe. */
  onChange(listener: SecurityModeListener): () => void;
}

const HOUR = 3_600_000;
const MAX_REASON = 500;

/**
 * The line's security mode (normal, heightened, lockdown), switched by two
 * different operators and audited. Expiry is computed on read (current()
 * is exact at any instant) and written to the store by the refresh loop,
 * which wakes at the expiry itself; refresh() is the same step by hand.
 *
 * @example
 *   const modes = createSecurityModes({ db, clock, logger });
 *   await modes.start();
 *   const change = await modes.propose({ mode: 'lockdown', reason: 'credential stuffing' }, 'alice');
 *   await modes.approve(change.id, 'bob');
 *   modes.current().mode; // 'lockdown'
 */
export function createSecurityModes(deps: SecurityModesDeps): SecurityModes {
  const { db, clock, logger } = deps;
  const pendingTtlMs = deps.pendingTtlMs ?? HOUR;
  const refreshMs = deps.refreshMs ?? 5_000;
  const listeners = new Set<SecurityModeListener>();
  let cached: SecurityModeState | undefined;
  let timer: TimerHandle | undefined;
  let running = false;

  function adopt(state: SecurityModeState): SecurityModeState {
    // Versions only grow: an older read finishing late never undoes a newer one.
    if (cached !== undefined && state.version <= cached.version) return cached;
    const previous = cached;
    cached = state;
    if (previous !== undefined) {
      logger?.warn({ mode: state.mode, from: previous.mode, reason: state.reason, changedBy: state.changedBy, expiresAt: state.expiresAt }, 'security mode changed');
      for (const listener of listeners) {
        try {
          listener(state, previous);
        } catch (err) {
          logger?.error({ err }, 'a security mode listener failed');
        }
      }
    }
    return state;
  }

  function current(): SecurityModeState {
    if (cached === undefined) throw new Error('security modes not loaded: call start() first');
    const expiresAt = cached.expiresAt;
    return expiresAt !== null && expiresAt.getTime() <= clock.now() ? expiredView(cached) : cached;
  }

  async function refresh(): Promise<SecurityModeState> {
    adopt(await expireDue(db, clock.now()));
    return current();
  }

  function schedule(): void {
    if (!running) return;
    const expiresAt = cached?.expiresAt?.getTime();
    // Wake at the expiry itself when it comes before the next regular read.
    const delay = expiresAt === undefined ? refreshMs : Math.max(0, Math.min(refreshMs, expiresAt - clock.now()));
    timer = clock.setTimeout(() => {
      timer = undefined;
      refresh().then(schedule, (err: unknown) => {
        logger?.error({ err }, 'could not read the security mode; keeping the last one known');
        schedule();
      });
    }, delay);
  }

  function validate(input: ProposeInput): ProposeInput {
    if (!(SECURITY_MODES as readonly string[]).includes(input.mode)) {
      throw new ClaveError('INVALID_ARGUMENT', `mode must be one of ${SECURITY_MODES.join(', ')}`, { field: 'mode' });
    }
    const reason = typeof input.reason === 'string' ? input.reason.trim() : '';
    if (reason.length === 0 || reason.length > MAX_REASON) {
      throw new ClaveError('INVALID_ARGUMENT', `a reason of 1 to ${MAX_REASON} characters is required`, { field: 'reason' });
    }
    const expiresAt = input.expiresAt;
    if (expiresAt !== undefined) {
      if (input.mode === 'normal') throw new ClaveError('INVALID_ARGUMENT', 'normal is the mode others expire to: it takes no expiresAt', { field: 'expiresAt' });
      if (Number.isNaN(expiresAt.getTime()) || expiresAt.getTime() <= clock.now()) {
        throw new ClaveError('INVALID_ARGUMENT', 'expiresAt must be a time in the future', { field: 'expiresAt' });
      }
    }
    return { mode: input.mode, reason, ...(expiresAt ? { expiresAt } : {}) };
  }

  function operatorName(operator: string): string {
    if (typeof operator !== 'string' || operator.length === 0) throw new ClaveError('INVALID_ARGUMENT', 'a change needs the operator making it', { field: 'operator' });
    return operator;
  }

  return {
    async start() {
      await refresh();
      running = true;
      schedule();
    },
    stop() {
      running = false;
      if (timer) clock.clearTimeout(timer);
      timer = undefined;
    },
    current,
    refresh,

    async propose(input, operator) {
      const change = await insertChange(db, validate(input), operatorName(operator), clock.now(), pendingTtlMs);
      logger?.info({ changeId: change.id, mode: change.mode, proposedBy: change.proposedBy }, 'security mode change proposed; waiting for a second operator');
      return change;
    },

    async approve(id, operator) {
      const now = clock.now();
      const answer = await applyChange(db, id, operatorName(operator), now);
      if (answer.kind === 'applied') {
        adopt(answer.state);
        return { change: answer.change, current: current() };
      }
      const { refusal } = answer;
      await writeAudit(db, { at: new Date(now), actor: operator, action: 'mode_approval_refused', subject: id, detail: { code: refusal.code } });
      if (refusal.code === 'APPROVER_IS_PROPOSER') {
        logger?.warn({ changeId: id, operator }, 'security mode change: its proposer tried to approve it');
        throw new ClaveError(
          'APPROVER_IS_PROPOSER',
          `four eyes: change ${id} was proposed by ${refusal.proposer} and must be approved by another operator`,
          { id, proposer: refusal.proposer },
        );
      }
      throw new ClaveError('SECURITY_CHANGE_NOT_PENDING', refusal.why, { id, status: refusal.status });
    },

    async reject(id, operator) {
      const answer = await rejectChange(db, id, operatorName(operator), clock.now());
      if ('code' in answer) throw new ClaveError('SECURITY_CHANGE_NOT_PENDING', answer.why, { id, status: answer.status });
      return answer;
    },

    changes: (options) => listChanges(db, clock.now(), options),
    history: (options = {}) => readAudit(db, { prefix: 'mode_', ...options }),
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
