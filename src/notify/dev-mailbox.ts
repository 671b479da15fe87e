import { randomUUID } from 'node:crypto';
import { appendFile, readFile, writeFile } from 'node:fs/promises';
import type { Clock } from '../shared/index.ts';
import type { DeliveryChannel, DeliveryMessage, DeliveryResult, OutboxChannel } from './types.ts';

export interface MailboxEntry {
  /** The mailbox's own id, returned to the worker as providerId. */
  id: string;
  /** The outbox message id. */
  messageId: string;
  channel: OutboxChannel;
  to: string;
  subject: string | null;
  /** In clear, secret included: this is the customer's phone or inbox. */
  text: string;
  language: string;
  /** ISO 8601, from the clock. */
  at: string;
}

/**
 * The development delivery channel: it stands for the customers' phones and
 * inboxes, so a developer (or a test) can read what was sent. Its texts carry
 * secrets in clear, so it is kept apart from Clave's database: in memory,
 * optionally mirrored to its own JSON-lines file (mode 0600). Never use it in
 * production.
 *
 * @example
 *   const mailbox = await DevMailbox.open({ clock, path: 'data/dev-mailbox.jsonl' });
 *   const worker = createOutboxWorker({ ..., channels: { sms: mailbox, email: mailbox } });
 *   mailbox.list({ to: '+34600000001' }).at(-1)?.text;
 */
export class DevMailbox implements DeliveryChannel {
  readonly provider = 'dev-mailbox';
  readonly #clock: Clock;
  readonly #path: string | undefined;
  #entries: MailboxEntry[] = [];
  // File writes in order, one at a time.
  #writes: Promise<void> = Promise.resolve();

  constructor(options: { clock: Clock; path?: string }) {
    this.#clock = options.clock;
    this.#path = options.path;
  }

  /** A mailbox mirrored to `path`, starting with what the file already holds. */
  static async open(options: { clock: Clock; path?: string }): Promise<DevMailbox> {
    const mailbox = new DevMailbox(options);
    if (options.path !== undefined) {
      const content = await readFile(options.path, 'utf8').catch((err: NodeJS.ErrnoException) => {
        if (err.code === 'ENOENT') return '';
        throw err;
      });
      mailbox.#entries = content
        .split('\n')
        .filter((line) => line.trim().length > 0)
        .map((line) => JSON.parse(line) as MailboxEntry);
    }
    return mailbox;
  }

  async deliver(msg: DeliveryMessage): Promise<DeliveryResult> {
    const entry: MailboxEntry = {
      id: `dev-${randomUUID()}`,
      messageId: msg.id,
      channel: msg.channel,
      to: msg.to,
      subject: msg.subject,
      text: msg.text,
      language: msg.language,
      at: new Date(this.#clock.now()).toISOString(),
    };
    this.#entries.push(entry);
    const path = this.#path;
    if (path !== undefined) await this.#write(() => appendFile(path, `${JSON.stringify(entry)}\n`, { mode: 0o600 }));
    return { providerId: entry.id };
  }

  /** Oldest first; optionally only one recipient's or one channel's. */
  list(filter: { to?: string; channel?: OutboxChannel } = {}): MailboxEntry[] {
    return this.#entries.filter(
      (e) => (filter.to === undefined || e.to === filter.to) && (filter.channel === undefined || e.channel === filter.channel),
    );
  }

  async clear(): Promise<void> {
    this.#entries = [];
    const path = this.#path;
    if (path !== undefined) await this.#write(() => writeFile(path, '', { mode: 0o600 }));
  }

  #write(op: () => Promise<void>): Promise<void> {
    const next = this.#writes.then(op);
    this.#writes = next.catch(() => {});
    return next;
  }
}
