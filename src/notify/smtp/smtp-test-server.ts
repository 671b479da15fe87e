import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** A self-signed certificate for 127.0.0.1 and localhost, made with the openssl CLI. */
export function selfSignedCertificate(): { key: string; cert: string } {
  const dir = mkdtempSync(join(tmpdir(), 'clave-smtp-tls-'));
  try {
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
      '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '1',
      '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
    ], { stdio: 'ignore' });
    return { key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert: readFileSync(join(dir, 'cert.pem'), 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface ReceivedMail {
  envelopeTo: string[];
  raw: Buffer;
  parsed: ParsedMail;
  /** The session's TLS state and login when the message came in. */
  secure: boolean;
  user: string | undefined;
}

/** What the test server does with a recipient: by its local part. */
export const RECIPIENTS = {
  reject: 'reject@customers.test', // 550 on RCPT
  later: 'later@customers.test', // 451 on RCPT
  hangup: 'hangup@customers.test', // connection cut at RCPT, before any data
  lost: 'lost@customers.test', // the whole message read, then the connection cut before the final reply
  silent: 'silent@customers.test', // the whole message read, then no reply at all
} as const;

/**
 * An SMTP relay for tests on 127.0.0.1 (port 0): STARTTLS (or implicit TLS),
 * AUTH PLAIN/LOGIN for user `clave` with password `right-pass`, faults chosen
 * by recipient (see RECIPIENTS), every message parsed back with mailparser.
 */
export async function startSmtpTestServer(tls: { key: string; cert: string }, options: { secure?: boolean; queueReply?: string; authOptional?: boolean } = {}) {
  const received: ReceivedMail[] = [];
  const sockets = new Set<Socket>();
  let connections = 0;
  const server = new SMTPServer({
    secure: options.secure ?? false,
    key: tls.key,
    cert: tls.cert,
    authMethods: ['PLAIN', 'LOGIN'],
    authOptional: options.authOptional ?? false,
    logger: false,
    closeTimeout: 100,
    onConnect(_session, callback) {
      connections++;
      callback();
    },
    onAuth(auth, _session, callback) {
      if (auth.username === 'clave' && auth.password === 'right-pass') callback(null, { user: auth.username });
      else callback(Object.assign(new Error('Invalid username or password'), { responseCode: 535 }));
    },
    onRcptTo(address, _session, callback) {
      if (address.address === RECIPIENTS.reject) callback(Object.assign(new Error('5.1.1 No such user'), { responseCode: 550 }));
      else if (address.address === RECIPIENTS.later) callback(Object.assign(new Error('4.7.1 Greylisted, try again later'), { responseCode: 451 }));
      else if (address.address === RECIPIENTS.hangup) for (const s of sockets) s.destroy();
      else callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks);
        const envelopeTo = session.envelope.rcptTo.map((a) => a.address);
        if (envelopeTo.includes(RECIPIENTS.lost)) {
          for (const s of sockets) s.destroy();
          return;
        }
        if (envelopeTo.includes(RECIPIENTS.silent)) return;
        simpleParser(raw).then(
          (parsed) => {
            received.push({ envelopeTo, raw, parsed, secure: session.secure, user: typeof session.user === 'string' ? session.user : undefined });
            callback(null, options.queueReply);
          },
          (err: Error) => callback(err),
        );
      });
    },
  });
  server.server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return {
    port: address.port,
    received,
    connections: () => connections,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
