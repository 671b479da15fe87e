/**
 * What Clave's UAS answers to each RFC 4475 torture message, from
 * shared/sip-torture/README.md, with one choice made wherever the RFC leaves
 * latitude (`note` says which). Data only, for the UAS tests: send each file
 * as one UDP datagram (or down a TCP connection) and expect this.
 */
export interface TortureAnswer {
  /** The final status sent over UDP, or 'drop' (nothing is sent). */
  answer: number | 'drop';
  /**
   * Over TCP, when the framing decides instead: 'close' = answer 400 if the
   * request was readable, then close the connection (the next message's start
   * cannot be found); 'wait-then-close' = the parser waits for bytes that never
   * come, the idle connection is closed.
   */
  overTcp?: 'close' | 'wait-then-close';
  /** A header the answer must carry: `Name` or `Name: value`. */
  carries?: string;
  note?: string;
}

/** The folder holding the 49 `.dat` files, beside the clone (`../shared`). */
export const TORTURE_DIR_URL = new URL('../../../../../shared/sip-torture/rfc4475/', import.meta.url);

const ALLOW = 'Allow';

export const TORTURE_ANSWERS: Readonly<Record<string, TortureAnswer>> = {
  // RFC 4475 §3.1.1: valid messages
  wsinv: { answer: 200, note: 'an INVITE handled as a call (100, then 200 when the line answers)' },
  intmeth: { answer: 501, note: 'unknown method' },
  esc01: { answer: 200, note: 'INVITE handled as a call' },
  escnull: { answer: 405, carries: ALLOW },
  esc02: { answer: 501, note: 'the method RE%47IST%45R is not REGISTER' },
  lwsdisp: { answer: 200 },
  longreq: { answer: 200, note: 'INVITE handled as a call' },
  dblreq: { answer: 405, carries: ALLOW, note: 'only the REGISTER counts; the INVITE after it in the datagram is ignored' },
  semiuri: { answer: 200 },
  transports: { answer: 200 },
  mpart01: { answer: 405, carries: ALLOW, note: 'MESSAGE' },
  unreason: { answer: 'drop', note: 'a response matching no transaction (RFC 3261 §18.1.2)' },
  noreason: { answer: 'drop', note: 'a response matching no transaction' },
  // RFC 4475 §3.1.2: invalid messages
  badinv01: { answer: 400 },
  clerr: { answer: 400, overTcp: 'wait-then-close' },
  ncl: { answer: 400, overTcp: 'close' },
  scalar02: { answer: 400, note: 'CSeq number over 32 bits' },
  scalarlg: { answer: 'drop', note: 'a response' },
  quotbal: { answer: 400, note: 'unbalanced quote in To: refused rather than guessed' },
  ltgtruri: { answer: 400 },
  lwsruri: { answer: 400, note: 'whitespace inside the Request-URI' },
  lwsstart: { answer: 200, note: 'extra spaces between start-line elements accepted; INVITE handled as a call' },
  trws: { answer: 200, note: 'trailing spaces after SIP/2.0 accepted' },
  escruri: { answer: 200, note: 'the Request-URI headers are parsed, never applied; INVITE handled as a call' },
  baddate: { answer: 200, note: 'Date ignored; INVITE handled as a call' },
  regbadct: { answer: 405, carries: ALLOW },
  badaspec: { answer: 200, note: 'spaces inside < > accepted' },
  baddn: {
    answer: 400,
    overTcp: 'wait-then-close',
    note: 'the archived file lacks the empty line ending its headers (TRUNCATED); with it, the unquoted "Bell, Alexander" would be accepted',
  },
  badvers: { answer: 505 },
  mismatch01: { answer: 400, note: 'CSeq method differs' },
  mismatch02: { answer: 501, note: 'unknown method NEWMETHOD, checked before the CSeq mismatch' },
  bigcode: { answer: 'drop', note: 'a response' },
  // RFC 4475 §3.2: transaction layer
  badbranch: { answer: 200, note: 'branch "z9hG4bK" alone: matched as RFC 2543 would' },
  // RFC 4475 §3.3: application layer
  insuf: { answer: 400, note: 'no From, To or Call-ID' },
  unkscm: { answer: 416 },
  novelsc: { answer: 416 },
  unksm2: { answer: 405, carries: ALLOW },
  bext01: { answer: 420, carries: 'Unsupported: nothingSupportsThis, nothingSupportsThisEither', note: 'Proxy-Require ignored by a UAS' },
  invut: { answer: 415, carries: 'Accept: application/sdp' },
  regaut01: { answer: 405, carries: ALLOW },
  multi01: { answer: 400, note: 'From, To, Call-ID and CSeq each twice' },
  mcl01: { answer: 400, overTcp: 'close', note: 'two Content-Length values' },
  bcast: { answer: 'drop', note: 'a response' },
  zeromf: { answer: 200, note: 'an endpoint answers despite Max-Forwards 0' },
  cparam01: { answer: 405, carries: ALLOW },
  cparam02: { answer: 405, carries: ALLOW },
  regescrt: { answer: 405, carries: ALLOW },
  sdp01: { answer: 406, note: 'Accept: text/nobodyKnowsThis leaves no body Clave can send' },
  // RFC 4475 §3.4: backward compatibility
  inv2543: { answer: 200, overTcp: 'close', note: 'RFC 2543 INVITE accepted over UDP; over TCP it has no Content-Length' },
};
