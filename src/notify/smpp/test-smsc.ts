import type { AddressInfo } from 'node:net';
import { systemClock, type Clock, type TimerHandle } from '../../shared/index.ts';
import { makePdu, pduString, smpp, type SmppPdu, type SmppSession } from './smpp-lib.ts';
import { decodeShortMessage, type ConcatHeader } from './sms-encoding.ts';
import { parseSubmitSm, type RawSubmitSm } from './submit-sm-wire.ts';

/** Receipt states as the text of SMPP 3.4 Appendix B writes them. */
export type ReceiptStat = 'DELIVRD' | 'UNDELIV' | 'EXPIRED' | 'REJECTD' | 'DELETED' | 'ACCEPTD' | 'ENROUTE' | 'UNKNOWN';
const MESSAGE_STATE: Record<ReceiptStat, number> = {
  ENROUTE: 1, DELIVRD: 2, EXPIRED: 3, DELETED: 4, UNDELIV: 5, ACCEPTD: 6, UNKNOWN: 7, REJECTD: 8,
};

export interface TestSmscBehaviour {
  /** A receipt for every accepted submit, `delayMs` after the response; `tlvs: false` sends the text only. */
  autoReceipt: { stat: ReceiptStat; delayMs: number; tlvs?: boolean } | null;
  /** The next N submits get ESME_RTHROTTLED (0x58). */
  throttleNext: number;
  /** command_status for every submit not otherwise handled (or chosen per submit); 0 accepts. */
  commandStatus: number | ((submit: TestSmscSubmit) => number);
  /** Submit number N (1-based, counted since start) or those matching the predicate get no answer at all. */
  neverAnswer: number | ((submit: TestSmscSubmit) => boolean) | null;
  /** Every response waits this long: a slow centre. */
  responseDelayMs: number;
  /** The Nth submit from now is taken and left unanswered, and its connection dropped (once). */
  dropAfterSubmits: number | null;
  /** When set, binds with another password get ESME_RINVPASWD. */
  password: string | null;
  /** False: enquire_link goes unanswered (a half-dead link). */
  answerEnquireLink: boolean;
}

export interface TestSmscSubmit {
  /** 1-based order of arrival. */
  n: number;
  messageId: string;
  destination: string;
  source: string;
  /** This part's text, header removed and decoded. */
  text: string;
  dataCoding: number;
  esmClass: number;
  /** The user data header without its length octet, or null. */
  udh: Buffer | null;
  concat: ConcatHeader | null;
  validityPeriod: string;
  registeredDelivery: number;
  /** The short_message octets as sent. */
  shortMessage: Buffer;
  receivedAt: Date;
  /** The command_status answered, or null while (or if never) answered. */
  status: number | null;
}

export interface TestSmscMessage {
  destination: string;
  source: string;
  /** The parts' texts joined in sequence order. */
  text: string;
  dataCoding: number;
  messageIds: string[];
  validityPeriod: string;
}

export interface TestSmsc {
  port: number;
  /** smpp://clave:<password>@127.0.0.1:<port>?source_addr=Clave, ready for parseSmppUrl. */
  url: string;
  /** Every submit_sm received, in order. */
  submits: TestSmscSubmit[];
  /** Accepted submits reassembled into whole messages (parts matched by their concatenation header). */
  messages(): TestSmscMessage[];
  /** Connections open now. */
  readonly sessions: number;
  /** Successful binds since start. */
  readonly binds: number;
  readonly enquireLinks: number;
  readonly unbinds: number;
  /** The most submits one connection had awaiting a response at any moment. */
  readonly maxOutstanding: number;
  setBehaviour(partial: Partial<TestSmscBehaviour>): void;
  /** Sends enquire_link on every bound connection; resolves once all were answered. */
  enquireLink(): Promise<void>;
  /** Sends a delivery receipt for an accepted message id; resolves once the client answered it. */
  sendReceipt(messageId: string, stat: ReceiptStat, options?: { tlvs?: boolean }): Promise<void>;
  dropConnections(): void;
  close(): Promise<void>;
}

interface SessionState {
  session: SmppSession;
  bound: boolean;
  outstanding: number;
  /** Our requests (deliver_sm, enquire_link) awaiting the client's response, by sequence_number. */
  acks: Map<number, { resolve(): void; reject(err: Error): void }>;
}

const ESME_RINVBNDSTS = 0x04;
const ESME_RSYSERR = 0x08;
const ESME_RINVPASWD = 0x0e;
const ESME_RTHROTTLED = 0x58;

/**
 * An SMS centre for tests and benchmarks, on 127.0.0.1 and an ephemeral
 * port, built on the `smpp` package's server. It records each submit_sm as
 * sent (octets, validity period, header) and misbehaves on request.
 *
 * @example
 *   const smsc = await startTestSmsc({ autoReceipt: { stat: 'DELIVRD', delayMs: 10 } });
 *   const sms = createSmppChannel({ ...parseSmppUrl(smsc.url), clock });
 *   await sms.deliver(message);
 *   smsc.messages()[0]?.text; // the text as the handset would show it
 *   await sms.close(); await smsc.close();
 */
export async function startTestSmsc(options: Partial<TestSmscBehaviour> & { clock?: Clock } = {}): Promise<TestSmsc> {
  const clock = options.clock ?? systemClock;
  const behaviour: TestSmscBehaviour = {
    autoReceipt: null, throttleNext: 0, commandStatus: 0, neverAnswer: null, responseDelayMs: 0,
    dropAfterSubmits: null, password: null, answerEnquireLink: true, ...options,
  };
  const submits: TestSmscSubmit[] = [];
  const owners = new Map<string, SessionState>();
  const states = new Set<SessionState>();
  const timers = new Set<TimerHandle>();
  const counts = { binds: 0, enquireLinks: 0, unbinds: 0, maxOutstanding: 0, sinceDropSet: 0 };

  const later = (ms: number, fn: () => void) => {
    if (ms <= 0) return fn();
    const handle = clock.setTimeout(() => {
      timers.delete(handle);
      fn();
    }, ms);
    timers.add(handle);
  };

  function onSubmit(state: SessionState, pdu: SmppPdu, octets: Buffer): void {
    const { session } = state;
    if (!state.bound) return void session.send(pdu.response({ command_status: ESME_RINVBNDSTS }));
    let raw: RawSubmitSm;
    try {
      raw = parseSubmitSm(octets);
    } catch {
      return void session.send(pdu.response({ command_status: ESME_RSYSERR }));
    }
    const decoded = decodeShortMessage(raw.dataCoding, raw.esmClass, raw.shortMessage);
    const n = submits.length + 1;
    const submit: TestSmscSubmit = {
      n, messageId: n.toString(16).padStart(8, '0'), destination: raw.destination, source: raw.source,
      text: decoded.text, dataCoding: raw.dataCoding, esmClass: raw.esmClass, udh: decoded.udh, concat: decoded.concat,
      validityPeriod: raw.validityPeriod, registeredDelivery: raw.registeredDelivery, shortMessage: raw.shortMessage,
      receivedAt: new Date(clock.now()), status: null,
    };
    submits.push(submit);
    state.outstanding++;
    counts.maxOutstanding = Math.max(counts.maxOutstanding, state.outstanding);
    if (behaviour.dropAfterSubmits !== null && ++counts.sinceDropSet >= behaviour.dropAfterSubmits) {
      behaviour.dropAfterSubmits = null;
      session.destroy();
      return;
    }
    const never = behaviour.neverAnswer;
    if (never !== null && (typeof never === 'number' ? never === n : never(submit))) return;
    const chosen = behaviour.commandStatus;
    let status = typeof chosen === 'number' ? chosen : chosen(submit);
    if (behaviour.throttleNext > 0) {
      behaviour.throttleNext--;
      status = ESME_RTHROTTLED;
    }
    later(behaviour.responseDelayMs, () => {
      state.outstanding--;
      submit.status = status;
      session.send(pdu.response(status === 0 ? { message_id: submit.messageId } : { command_status: status }));
      if (status !== 0) return;
      owners.set(submit.messageId, state);
      const auto = behaviour.autoReceipt;
      // An automatic receipt whose connection is gone is simply lost, as with a real centre.
      if (auto) later(auto.delayMs, () => void sendReceipt(submit.messageId, auto.stat, { tlvs: auto.tlvs ?? true }).catch(() => {}));
    });
  }

  function onPdu(state: SessionState, pdu: SmppPdu, octets: Buffer): void {
    const { session } = state;
    switch (pdu.command) {
      case 'bind_transceiver':
      case 'bind_transmitter':
      case 'bind_receiver': {
        if (behaviour.password !== null && pduString(pdu, 'password') !== behaviour.password) {
          session.send(pdu.response({ command_status: ESME_RINVPASWD }));
          session.close();
          return;
        }
        state.bound = true;
        counts.binds++;
        session.send(pdu.response({ system_id: 'TestSMSC' }));
        return;
      }
      case 'submit_sm':
        return onSubmit(state, pdu, octets);
      case 'enquire_link':
        counts.enquireLinks++;
        if (behaviour.answerEnquireLink) session.send(pdu.response());
        return;
      case 'unbind':
        counts.unbinds++;
        session.send(pdu.response());
        session.close();
        return;
      default:
        if (pdu.isResponse()) {
          state.acks.get(pdu.sequence_number)?.resolve();
          state.acks.delete(pdu.sequence_number);
        } else session.send(makePdu('generic_nack', { command_status: 0x03, sequence_number: pdu.sequence_number }));
    }
  }

  function sendReceipt(messageId: string, stat: ReceiptStat, opts: { tlvs?: boolean } = {}): Promise<void> {
    const submit = submits.find((s) => s.messageId === messageId);
    const owner = owners.get(messageId);
    const state = owner && states.has(owner) ? owner : [...states].find((s) => s.bound);
    if (!submit || !state) return Promise.reject(new Error(`test SMSC: no message ${messageId} or no bound session`));
    const date = stamp(new Date(clock.now()));
    const text = `id:${messageId} sub:001 dlvrd:${stat === 'DELIVRD' ? '001' : '000'} submit date:${stamp(submit.receivedAt)} `
      + `done date:${date} stat:${stat} err:${stat === 'DELIVRD' ? '000' : '001'} text:`;
    const pdu = makePdu('deliver_sm', {
      source_addr: submit.destination, destination_addr: submit.source, esm_class: 0x04, data_coding: 0,
      short_message: Buffer.from(text, 'latin1'),
      ...(opts.tlvs === false ? {} : { receipted_message_id: messageId, message_state: MESSAGE_STATE[stat] }),
    });
    return request(state, pdu);
  }

  function request(state: SessionState, pdu: SmppPdu): Promise<void> {
    return new Promise((resolve, reject) => {
      if (!state.session.send(pdu)) return reject(new Error('test SMSC: session not writable'));
      state.acks.set(pdu.sequence_number, { resolve, reject });
    });
  }

  const server = smpp.createServer((session) => {
    const state: SessionState = { session, bound: false, outstanding: 0, acks: new Map() };
    states.add(state);
    // With a 'readable' listener in place (the library's), 'data' fires for each chunk read(),
    // which the library does one PDU at a time: the octets arrive just before the 'pdu' event.
    const chunks: Buffer[] = [];
    session.socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    session.on('pdu', (pdu) => onPdu(state, pdu, Buffer.concat(chunks.splice(0))));
    session.on('error', () => {}); // a client that resets is part of the tests
    session.on('close', () => {
      states.delete(state);
      for (const ack of state.acks.values()) ack.reject(new Error('test SMSC: connection closed before the answer'));
      state.acks.clear();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;

  return {
    port,
    url: `smpp://clave:${encodeURIComponent(behaviour.password ?? 'secret')}@127.0.0.1:${port}?source_addr=Clave`,
    submits,
    messages: () => reassemble(submits.filter((s) => s.status === 0)),
    get sessions() { return states.size; },
    get binds() { return counts.binds; },
    get enquireLinks() { return counts.enquireLinks; },
    get unbinds() { return counts.unbinds; },
    get maxOutstanding() { return counts.maxOutstanding; },
    setBehaviour(partial) {
      if ('dropAfterSubmits' in partial) counts.sinceDropSet = 0;
      Object.assign(behaviour, partial);
    },
    sendReceipt,
    async enquireLink() {
      await Promise.all([...states].filter((s) => s.bound).map((s) => request(s, makePdu('enquire_link'))));
    },
    dropConnections() {
      for (const state of states) state.session.destroy();
    },
    async close() {
      for (const handle of timers) clock.clearTimeout(handle);
      timers.clear();
      for (const state of states) state.session.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Whole messages: single parts as they are, concatenated parts once all have arrived. */
function reassemble(accepted: TestSmscSubmit[]): TestSmscMessage[] {
  const messages: TestSmscMessage[] = [];
  const groups = new Map<string, TestSmscSubmit[]>();
  for (const s of accepted) {
    if (!s.concat) {
      messages.push({ destination: s.destination, source: s.source, text: s.text, dataCoding: s.dataCoding, messageIds: [s.messageId], validityPeriod: s.validityPeriod });
      continue;
    }
    const key = `${s.source}|${s.destination}|${s.concat.ref}|${s.concat.total}`;
    const group = groups.get(key) ?? [];
    group.push(s);
    groups.set(key, group);
    const seqs = new Set(group.map((p) => p.concat?.seq));
    if (seqs.size === s.concat.total) {
      groups.delete(key);
      const parts = group.sort((a, b) => (a.concat?.seq ?? 0) - (b.concat?.seq ?? 0));
      messages.push({
        destination: s.destination, source: s.source, text: parts.map((p) => p.text).join(''), dataCoding: s.dataCoding,
        messageIds: parts.map((p) => p.messageId), validityPeriod: parts[0]?.validityPeriod ?? '',
      });
    }
  }
  return messages;
}

/** YYMMDDhhmm, the receipt's date format (SMPP 3.4 Appendix B). */
function stamp(date: Date): string {
  return date.toISOString().replace(/^\d\d(\d\d)-(\d\d)-(\d\d)T(\d\d):(\d\d).*$/, '$1$2$3$4$5');
}
