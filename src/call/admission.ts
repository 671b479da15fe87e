/** What the line does with a caller beyond its capacity. */
export type AtCapacity = 'announce' | 'reject';

export interface AdmissionOptions {
  /** Calls that run the flow at once; undefined: no limit (CLAVE_MAX_CALLS). */
  maxCalls?: number;
  /** 'announce' (default): a short spoken refusal; 'reject': SIP 503 / softphone AT_CAPACITY (CLAVE_AT_CAPACITY). */
  atCapacity?: AtCapacity;
  /**
   * All calls at once, the short refusals included, beyond which even the
   * refusal is not spoken (503). Default: 1.25 × maxCalls, and at least
   * maxCalls + 1.
   */
  hardLimit?: number;
  /** Retry-After of a refused call, in seconds; default 10. */
  retryAfterSeconds?: number;
}

/** A place on the line, held from admission until the call is over. */
export interface AdmissionTicket {
  /** 'call': the flow runs; 'brief': the caller hears the short refusal and the line hangs up. */
  readonly kind: 'call' | 'brief';
  /** Gives the place back. Idempotent. */
  release(): void;
}

export type Admission = AdmissionTicket | { readonly kind: 'refused'; readonly retryAfterSeconds: number };

export interface AdmissionPeek {
  kind: Admission['kind'];
  retryAfterSeconds: number;
}

export interface AdmissionStats {
  maxCalls: number | null;
  hardLimit: number | null;
  atCapacity: AtCapacity;
  /** Places held now. */
  calls: number;
  brief: number;
  /** Since start: callers who heard the short refusal, and callers refused outright. */
  announcedTotal: number;
  refusedTotal: number;
}

/**
 * Admission control: counts the places taken and decides, before any work
 * is done for a new call, whether it runs the flow, hears the short refusal
 * or is refused. Calls in progress are never touched: a full line only
 * changes what the next caller gets.
 *
 * The short refusals have a place count of their own (hardLimit − maxCalls),
 * so they neither eat into the flow's capacity nor, in a flood, the
 * machine: beyond hardLimit callers are refused outright.
 *
 * @example
 *   const admission = new AdmissionControl({ maxCalls: 100, atCapacity: 'announce' });
 *   const a = admission.admit(); // { kind: 'call', release }, … { kind: 'brief' } from the 101st, { kind: 'refused' } from the 126th
 *   if (a.kind !== 'refused') a.release();
 */
export class AdmissionControl {
  readonly #max: number | null;
  readonly #hard: number | null;
  readonly #policy: AtCapacity;
  readonly #retryAfter: number;
  #calls = 0;
  #brief = 0;
  #announced = 0;
  #refused = 0;
  #onFull: ((full: boolean) => void) | undefined;
  #full = false;

  constructor(options: AdmissionOptions = {}, onFull?: (full: boolean) => void) {
    const max = options.maxCalls;
    if (max !== undefined && (!Number.isInteger(max) || max < 1)) throw new RangeError(`maxCalls must be a positive integer, not ${max}`);
    this.#max = max ?? null;
    this.#hard = max === undefined ? null : Math.max(options.hardLimit ?? Math.ceil(max * 1.25), max + 1);
    this.#policy = options.atCapacity ?? 'announce';
    this.#retryAfter = options.retryAfterSeconds ?? 10;
    this.#onFull = onFull;
  }

  admit(): Admission {
    if (this.#max === null || this.#calls < this.#max) {
      this.#calls++;
      this.#fullNow();
      return this.#ticket('call');
    }
    this.#fullNow();
    if (this.#policy === 'announce' && this.#hard !== null && this.#calls + this.#brief < this.#hard) {
      this.#brief++;
      this.#announced++;
      return this.#ticket('brief');
    }
    this.#refused++;
    return { kind: 'refused', retryAfterSeconds: this.#retryAfter };
  }

  /** What a call would get now, without taking a place (RFC 3261 §11.2: OPTIONS answers as INVITE would). */
  peek(): AdmissionPeek {
    const kind = this.#max === null || this.#calls < this.#max ? 'call' : this.#policy === 'announce' && this.#hard !== null && this.#calls + this.#brief < this.#hard ? 'brief' : 'refused';
    return { kind, retryAfterSeconds: this.#retryAfter };
  }

  stats(): AdmissionStats {
    return {
      maxCalls: this.#max,
      hardLimit: this.#hard,
      atCapacity: this.#policy,
      calls: this.#calls,
      brief: this.#brief,
      announcedTotal: this.#announced,
      refusedTotal: this.#refused,
    };
  }

  #ticket(kind: 'call' | 'brief'): AdmissionTicket {
    let held = true;
    return {
      kind,
      release: () => {
        if (!held) return;
        held = false;
        if (kind === 'call') this.#calls--;
        else this.#brief--;
        this.#fullNow();
      },
    };
  }

  /** Tells the owner when the line becomes full and when it has room again (for the log, not per call). */
  #fullNow(): void {
    const full = this.#max !== null && this.#calls >= this.#max;
    if (full === this.#full) return;
    this.#full = full;
    this.#onFull?.(full);
  }
}
