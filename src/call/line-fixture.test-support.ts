// Test wiring shared by the line's tests: a channel the test drives by hand,
// a store the test can switch off, and a line on them.
import { loadFlows, type FlowBundle } from '../flow/index.ts';
import { createLogger } from '../log/index.ts';
import { SimulatedClock } from '../shared/index.ts';
import type { Db, Queryable } from '../store/index.ts';
import type { AdmissionOptions } from './admission.ts';
import type { CallChannel, CallInput, ListenInfo, RenderedPrompt } from './channel.ts';
import { createLine, type LineDeps } from './line.ts';
import type { AnnouncerPort, IdentityPort, ServicesPort } from './ports.ts';
import { CallRecords } from './records.ts';

/** A channel driven by the test: it keeps what the line did and sends only what the test says. */
export class TestChannel implements CallChannel {
  readonly kind = 'softphone' as const;
  readonly plays: { playId: number; prompts: RenderedPrompt[]; language: string }[] = [];
  readonly stopped: number[] = [];
  readonly listens: ListenInfo[] = [];
  hungUpWith: string | undefined;
  input: CallInput | undefined;

  play(playId: number, prompts: RenderedPrompt[], opts: { language: string }): void {
    this.plays.push({ playId, prompts, language: opts.language });
  }
  stopPlay(playId: number): void {
    this.stopped.push(playId);
  }
  listen(info: ListenInfo): void {
    this.listens.push(info);
  }
  transfer(): Promise<'completed' | 'refused'> {
    return Promise.resolve('refused');
  }
  hangup(outcome: string): void {
    this.hungUpWith = outcome;
  }

  /** Prompt ids heard so far, with their language: "lines_busy/es". */
  heard(): string[] {
    return this.plays.flatMap((p) => p.prompts.map((q) => `${q.id}/${q.language ?? p.language}`));
  }
  /** The caller's side says the last play is over. */
  endPlay(): void {
    const last = this.plays.at(-1);
    if (last) this.input?.promptEnded(last.playId);
  }
  keys(value: string): void {
    for (const k of value.replace(/\s/g, '')) this.input?.digit(k);
  }
}

/** A store that fails every query while `down`, as PostgreSQL does when it is gone. */
export class SwitchableDb implements Db {
  readonly kind = 'postgres' as const;
  down = false;
  queries = 0;
  readonly #inner: Db;
  constructor(inner: Db) {
    this.#inner = inner;
  }
  query<T extends object>(sql: string, params?: readonly unknown[]): Promise<T[]> {
    this.queries++;
    if (this.down) return Promise.reject(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }));
    return this.#inner.query<T>(sql, params);
  }
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    if (this.down) return Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:5432'));
    return this.#inner.transaction(fn);
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}

let bundle: FlowBundle | undefined;

export interface LineFixtureOptions {
  db: Db;
  admission?: AdmissionOptions;
  announcer?: AnnouncerPort;
  identity?: Partial<IdentityPort>;
  services?: Partial<ServicesPort>;
  refusals?: LineDeps['refusals'];
}

/** A line on the default flows, a simulated clock and `db`; identity and services fail the test unless given. */
export async function lineFixture(opts: LineFixtureOptions) {
  bundle ??= await loadFlows();
  const clock = new SimulatedClock();
  const used = { identity: 0, services: 0 };
  const unused = (what: 'identity' | 'services') => () => {
    used[what]++;
    return Promise.reject(new Error(`${what} not expected in this test`));
  };
  const records = new CallRecords(opts.db, 'test');
  const line = createLine({
    ...(opts.announcer ? { announcer: opts.announcer } : {}),
    ...(opts.admission ? { admission: opts.admission } : {}),
    ...(opts.refusals ? { refusals: opts.refusals } : {}),
    bundle,
    identity: { identify: unused('identity'), verifyCard: unused('identity'), ...opts.identity },
    services: { run: unused('services'), ...opts.services },
    records,
    clock,
    logger: createLogger({ level: 'silent' }),
    agents: {},
    maxCallMs: 600_000,
  });
  /** A call from `from` to the unlock line on a fresh test channel. */
  const dial = (from: string, to = '950183313') => {
    const channel = new TestChannel();
    const call = line.startCall({ channel, from, to });
    channel.input = call;
    return { channel, call };
  };
  /** Lets promises and timers due now run (the store answers on real microtasks). */
  const settle = async (ms = 0) => {
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
    await clock.advance(ms);
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
  };
  return { line, clock, records, dial, settle, used, bundle };
}
