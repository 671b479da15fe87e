import type { Db } from '../store/index.ts';

/** One line of a call's transcript. Secrets are masked before they get here. */
export type TranscriptEntry =
  | { at: number; type: 'prompt'; id: string; text: string }
  | { at: number; type: 'keys'; node: string; value: string }
  | { at: number; type: 'transfer'; target: string; result?: string }
  | { at: number; type: 'note'; text: string }
  /**
   * What was announced before the menu: which incidents and maintenance windows, full or short;
   * `stale` when the store did not answer and the last announcement known for the line was played.
   */
  | { at: number; type: 'announcement'; incidentIds: string[]; maintenanceIds: string[]; version: 'full' | 'short'; stale?: true }
  | { at: number; type: 'hangup'; by: 'line' | 'caller' };

export interface PathStep {
  node: string;
  /** Milliseconds since the call started. */
  at: number;
}

export type CallDirection = 'inbound' | 'outbound';

export interface CallRecord {
  callId: string;
  state: 'live' | 'ended';
  channel: string;
  /** `outbound`: a call the line placed (the signing key's call-back); `dialed` is then the number called, `caller` the line's. */
  direction: CallDirection;
  dialed: string;
  caller: string;
  flow: string;
  language: string;
  outcome: string | null;
  customerId: string | null;
  path: PathStep[];
  transcript: TranscriptEntry[];
  startedAt: string;
  endedAt: string | null;
  durationMs: number | null;
}

interface Row {
  id: string;
  state: 'live' | 'ended';
  channel: string;
  dialed: string;
  caller: string;
  flow: string;
  language: string;
  outcome: string | null;
  customer_id: string | null;
  direction: CallDirection;
  path: PathStep[];
  transcript: TranscriptEntry[];
  started_at: Date;
  ended_at: Date | null;
  duration_ms: number | null;
}

/** A call as it ended: everything its row needs, so the row can be written whole if its start never was. */
export interface EndedCall {
  callId: string;
  channel: string;
  direction?: CallDirection;
  dialed: string;
  caller: string;
  flow: string;
  language: string;
  outcome: string;
  customerId: string | null;
  path: PathStep[];
  transcript: TranscriptEntry[];
  startedAt: Date;
  endedAt: Date;
}

export interface CallFilter {
  from?: string;
  to?: string;
  outcome?: string;
  state?: 'live' | 'ended';
  customerId?: string;
  limit?: number;
  before?: Date;
}

/**
 * The calls table. A call is written when it starts (live) and finished
 * once: finishing only changes a live row (or writes a missing one), so no
 * call can get a second outcome.
 */
export class CallRecords {
  readonly #db: Db;
  readonly #nodeId: string;

  constructor(db: Db, nodeId: string) {
    this.#db = db;
    this.#nodeId = nodeId;
  }

  /** The live row. Written at most once: a retry after a lost answer changes nothing. */
  async start(call: {
    callId: string; channel: string; direction?: CallDirection; dialed: string; caller: string; flow: string; language: string; startedAt: Date;
  }): Promise<void> {
    await this.#db.query(
      `INSERT INTO calls (id, node_id, channel, dialed, caller, flow, language, state, started_at, direction)
       VALUES ($1, $2, $3, $4, $5, $6, $7, 'live', $8, $9) ON CONFLICT (id) DO NOTHING`,
      [call.callId, this.#nodeId, call.channel, call.dialed, call.caller, call.flow, call.language, call.startedAt, call.direction ?? 'inbound'],
    );
  }

  /**
   * Ends a call: completes its live row, or writes the whole row when its
   * start was never recorded (the store was down then). Returns false when
   * the call was already finished (never happens twice), so a repeat after
   * a lost answer changes nothing.
   */
  async finish(call: EndedCall): Promise<boolean> {
    const durationMs = Math.max(0, call.endedAt.getTime() - call.startedAt.getTime());
    const rows = await this.#db.query(
      `INSERT INTO calls (id, node_id, channel, dialed, caller, flow, language, state, outcome, customer_id, path, transcript,
                          started_at, ended_at, duration_ms, direction)
       VALUES ($1, $2, $3, $4, $5, $6, $7, 'ended', $8, $9, $10::jsonb, $11::jsonb, $12, $13, $14, $15)
       ON CONFLICT (id) DO UPDATE SET state = 'ended', outcome = EXCLUDED.outcome, language = EXCLUDED.language,
              customer_id = EXCLUDED.customer_id, path = EXCLUDED.path, transcript = EXCLUDED.transcript,
              ended_at = EXCLUDED.ended_at, duration_ms = EXCLUDED.duration_ms
        WHERE calls.state = 'live' RETURNING id`,
      [
        call.callId, this.#nodeId, call.channel, call.dialed, call.caller, call.flow, call.language, call.outcome, call.customerId,
        JSON.stringify(call.path), JSON.stringify(call.transcript), call.startedAt, call.endedAt, durationMs, call.direction ?? 'inbound',
      ],
    );
    return rows.length === 1;
  }

  /** Whether the store answers at all (a call step failed: was it the database?). */
  async reachable(): Promise<boolean> {
    try {
      await this.#db.query('SELECT 1');
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Ends the calls a previous run of this node left live (the process died
   * mid-call): they get the outcome service_unavailable and a note.
   */
  async closeOrphans(now: Date): Promise<number> {
    const rows = await this.#db.query(
      `UPDATE calls SET state = 'ended', outcome = 'service_unavailable', ended_at = $2,
              duration_ms = GREATEST(0, (EXTRACT(EPOCH FROM ($2::timestamptz - started_at)) * 1000)::int),
              transcript = transcript || $3::jsonb
        WHERE node_id = $1 AND state = 'live' RETURNING id`,
      [this.#nodeId, now, JSON.stringify([{ at: 0, type: 'note', text: 'the line restarted during this call' }])],
    );
    return rows.length;
  }

  async get(callId: string): Promise<CallRecord | null> {
    const rows = await this.#db.query<Row>('SELECT * FROM calls WHERE id = $1', [callId]);
    return rows[0] ? toRecord(rows[0]) : null;
  }

  async list(filter: CallFilter = {}): Promise<CallRecord[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, value: unknown) => {
      params.push(value);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (filter.from) add('caller = ?', filter.from);
    if (filter.to) add('dialed = ?', filter.to);
    if (filter.outcome) add('outcome = ?', filter.outcome);
    if (filter.state) add('state = ?', filter.state);
    if (filter.customerId) add('customer_id = ?', filter.customerId);
    if (filter.before) add('started_at < ?', filter.before);
    params.push(Math.min(Math.max(filter.limit ?? 50, 1), 500));
    const rows = await this.#db.query<Row>(
      `SELECT * FROM calls ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY started_at DESC, id DESC LIMIT $${params.length}`,
      params,
    );
    return rows.map(toRecord);
  }
}

function toRecord(r: Row): CallRecord {
  return {
    callId: r.id,
    state: r.state,
    channel: r.channel,
    direction: r.direction,
    dialed: r.dialed,
    caller: r.caller,
    flow: r.flow,
    language: r.language,
    outcome: r.outcome,
    customerId: r.customer_id,
    path: r.path,
    transcript: r.transcript,
    startedAt: r.started_at.toISOString(),
    endedAt: r.ended_at ? r.ended_at.toISOString() : null,
    durationMs: r.duration_ms,
  };
}
