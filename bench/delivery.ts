/**
 * `npm run bench:delivery`: the outbox delivering to real servers on
 * loopback, started here: an SMS centre (SMPP 3.4, one bind, window 10) and
 * an SMTP relay (STARTTLS, AUTH, a pool). Prints the machine, then
 *  1. SMS at an offered rate (default 500/s for 20 s): each message written
 *     the way a call's action writes it (held with the change, released in
 *     the transaction that settles it) and timed from that commit to the SMS
 *     centre's receipt of the submit: p50/p95/p99, and the rate achieved;
 *  2. SMS and e-mail drained as fast as they go (a backlog of N messages).
 * The store is PGlite on disk (as `npm start` runs), or PostgreSQL with DATABASE_URL.
 * Figures are for comparing runs on the same machine, not asserted targets.
 *
 *   npm run bench:delivery -- --rate 500 --seconds 20 --backlog 3000
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadConfig } from '../src/config/index.ts';
import { createLogger } from '../src/log/index.ts';
import { startClave, type Clave } from '../src/main.ts';
import { createOutbox, startTestSmsc, type OutboxMessageInput } from '../src/notify/index.ts';
import { selfSignedCertificate, startSmtpTestServer } from '../src/notify/smtp/smtp-test-server.ts';
import { loadOrCreateKeys } from '../src/crypto/index.ts';
import { Sensitive, systemClock } from '../src/shared/index.ts';
import { machineLine, numberArg, percentile } from './machine.ts';

const RATE = numberArg('rate', 500);
const SECONDS = numberArg('seconds', 20);
const BACKLOG = numberArg('backlog', 3000);
const WINDOW = numberArg('window', 10);

let serial = 0;
const nextNumber = () => `+3469${String(serial++).padStart(7, '0')}`;

function sms(to: string): OutboxMessageInput {
  return {
    channel: 'sms', to, language: 'es', template: 'ebanking_temporary_password', params: { validMinutes: '60' },
    secret: new Sensitive('Bench-' + to.slice(-6)), expiresAt: new Date(Date.now() + 3_600_000), hold: true,
  };
}

async function main(): Promise<void> {
  console.log(machineLine());
  const smsc = await startTestSmsc();
  const smtp = await startSmtpTestServer(selfSignedCertificate());
  const dataDir = await mkdtemp(join(tmpdir(), 'clave-bench-delivery-'));
  const keys = await loadOrCreateKeys(dataDir);
  const clave: Clave = await startClave({
    config: loadConfig({
      CLAVE_HTTP_PORT: '0', CLAVE_DATA_DIR: dataDir, CLAVE_ADMIN_TOKEN: 'bench-token-0123456789abcdef', CLAVE_LOG_LEVEL: 'warn',
      CLAVE_SIP_PORT: 'off', CLAVE_SMPP_URL: `${smsc.url}&window=${WINDOW}`,
      CLAVE_SMTP_URL: `smtp://clave:right-pass@127.0.0.1:${smtp.port}?requireTLS=true&tlsRejectUnauthorized=false&pool=true&maxConnections=5`,
      CLAVE_SMTP_FROM: 'Banco Demo <no-reply@bank.example>', CLAVE_OUTBOX_BATCH: '50',
      ...(process.env.DATABASE_URL ? { DATABASE_URL: process.env.DATABASE_URL } : {}),
    }),
    logger: createLogger({ level: 'warn' }),
  });
  console.log(`store: ${clave.db.kind}; SMPP window ${WINDOW}, one bind; SMTP pool of 5`);
  const outbox = createOutbox({ clock: systemClock, dataKey: keys.dataKey });
  // The worker in the process is Clave's; this outbox writes with the same data key (same data dir).
  const write = async (messages: OutboxMessageInput[]) => {
    const ids = await clave.db.transaction((tx) => outbox.enqueue(tx, messages));
    // The action's settling transaction releases them: from here the SMS may go.
    await clave.db.transaction((tx) => outbox.release(tx, ids));
    clave.worker.wake();
  };

  // 1. Offered rate, paced in 10 ms steps.
  const committedAt = new Map<string, number>();
  const start = performance.now();
  const total = RATE * SECONDS;
  const perStep = RATE / 100;
  let owed = 0;
  let sent = 0;
  let lateSteps = 0;
  for (let step = 0; sent < total; step++) {
    const due = start + step * 10;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    else if (wait < -10) lateSteps++;
    owed += perStep;
    const batch: OutboxMessageInput[] = [];
    while (owed >= 1 && sent < total) {
      const to = nextNumber();
      batch.push(sms(to));
      owed -= 1;
      sent++;
    }
    if (batch.length === 0) continue;
    await write(batch);
    const now = performance.now();
    for (const m of batch) committedAt.set(m.to.replace(/^\+/, ''), now);
  }
  const offeredMs = performance.now() - start;
  const smscEpochOffset = Date.now() - performance.now();
  while (smsc.submits.length < total && performance.now() - start < offeredMs + 30_000) await new Promise((r) => setTimeout(r, 50));
  const latencies: number[] = [];
  for (const s of smsc.submits) {
    const at = committedAt.get(s.destination.replace(/^\+/, ''));
    if (at !== undefined) latencies.push(s.receivedAt.getTime() - smscEpochOffset - at);
  }
  latencies.sort((a, b) => a - b);
  const lastAt = Math.max(...smsc.submits.map((s) => s.receivedAt.getTime() - smscEpochOffset));
  console.log(
    `SMS offered at ${RATE}/s for ${SECONDS} s (${total} messages, writer ${lateSteps} steps late): ` +
      `${smsc.submits.length} reached the centre, ${((smsc.submits.length / (lastAt - start)) * 1000).toFixed(0)}/s achieved; ` +
      `action → centre p50 ${percentile(latencies, 50).toFixed(0)} ms, p95 ${percentile(latencies, 95).toFixed(0)} ms, ` +
      `p99 ${percentile(latencies, 99).toFixed(0)} ms, max ${(latencies.at(-1) ?? NaN).toFixed(0)} ms; most outstanding ${smsc.maxOutstanding}`,
  );

  // 2. Backlogs drained as fast as they go.
  for (const channel of ['sms', 'email'] as const) {
    const before = channel === 'sms' ? smsc.submits.length : smtp.received.length;
    const messages: OutboxMessageInput[] = Array.from({ length: BACKLOG }, () => {
      const to = nextNumber();
      return channel === 'sms' ? sms(to) : {
        channel: 'email', to: `c${to.slice(1)}@customers.test`, language: 'es', template: 'ebanking_username', params: { name: 'Ana', username: 'ana' }, hold: true,
      };
    });
    for (let i = 0; i < messages.length; i += 500) {
      const ids = await clave.db.transaction((tx) => outbox.enqueue(tx, messages.slice(i, i + 500)));
      await clave.db.transaction((tx) => outbox.release(tx, ids));
    }
    const t0 = performance.now();
    clave.worker.wake();
    const count = () => (channel === 'sms' ? smsc.submits.length : smtp.received.length) - before;
    while (count() < BACKLOG && performance.now() - t0 < 120_000) await new Promise((r) => setTimeout(r, 20));
    const ms = performance.now() - t0;
    console.log(`${channel === 'sms' ? 'SMS over SMPP' : 'e-mail over SMTP'}: backlog of ${BACKLOG} drained, ${count()} accepted in ${(ms / 1000).toFixed(1)} s → ${((count() / ms) * 1000).toFixed(0)} messages/s`);
  }

  await clave.stop();
  await smsc.close();
  await smtp.close();
  await rm(dataDir, { recursive: true, force: true });
}

await main();
