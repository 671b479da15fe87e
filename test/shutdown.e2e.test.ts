/**
 * SIGTERM on a running `npm start`: no new calls (SIP INVITE → 503 with
 * Retry-After), the call in progress goes on and stays listed as live, and
 * the process exits once it has ended.
 */
import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SoftphoneCall, type ServerMessage } from '../src/channel/index.ts';
import { ADMIN_TOKEN, eventually } from './support/line.ts';
import { freePort } from './support/sipp.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const NODE = join(ROOT, 'node_modules/.bin/node');

function invite(port: number): Buffer {
  const sdp = 'v=0\r\no=t 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 40000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n';
  return Buffer.from(
    `INVITE sip:950183313@127.0.0.1:${port} SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5999;branch=z9hG4bKdrain1\r\nFrom: <sip:+34600111222@127.0.0.1>;tag=d1\r\n` +
      `To: <sip:950183313@127.0.0.1>\r\nCall-ID: drain-1\r\nCSeq: 1 INVITE\r\nContact: <sip:t@127.0.0.1:5999>\r\nMax-Forwards: 70\r\n` +
      `Content-Type: application/sdp\r\nContent-Length: ${sdp.length}\r\n\r\n${sdp}`,
  );
}

describe('stopping with SIGTERM', () => {
  it('refuses new calls with 503, keeps the live call, then exits', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'clave-drain-'));
    const [httpPort, sipPort] = [await freePort(), await freePort()];
    const child = spawn(NODE, ['src/main.ts'], {
      cwd: ROOT,
      env: {
        ...process.env,
        CLAVE_DATA_DIR: dataDir,
        CLAVE_HTTP_PORT: String(httpPort),
        CLAVE_SIP_PORT: String(sipPort),
        CLAVE_ADMIN_TOKEN: ADMIN_TOKEN,
        CLAVE_AUDIO_CACHE_DIR: join(tmpdir(), 'clave-test-audio'),
        CLAVE_SHUTDOWN_GRACE_SECONDS: '30',
        CLAVE_LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      await eventually(() => (out.includes('Clave is answering') ? true : undefined), 60_000);
      const url = `http://127.0.0.1:${httpPort}`;
      const seen: ServerMessage[] = [];
      const call = SoftphoneCall.dial({ server: url, from: '+34600111222', to: '950183313', onMessage: (m) => seen.push(m) });
      await eventually(() => (seen.some((m) => m.type === 'listen') ? true : undefined));

      child.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 300));

      const socket = createSocket('udp4');
      const answers: string[] = [];
      socket.on('message', (m) => answers.push(m.toString()));
      await new Promise<void>((r) => socket.bind(0, '127.0.0.1', () => r()));
      socket.send(invite(sipPort), sipPort, '127.0.0.1');
      const refusal = await eventually(() => answers.find((a) => a.startsWith('SIP/2.0 503')), 5000);
      socket.close();
      expect(refusal).toMatch(/\r\nRetry-After: \d+/i);

      const live = (await (await fetch(`${url}/api/calls?state=live`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).json()) as { callId: string }[];
      const answered = seen.find((m): m is Extract<ServerMessage, { type: 'answered' }> => m.type === 'answered');
      expect(live.map((c) => c.callId)).toEqual([answered?.callId]);

      call.hangup();
      expect((await call.result).outcome).toBe('caller_hung_up');
      expect(await Promise.race([exited, new Promise((r) => setTimeout(() => r('still running'), 15_000))])).toBe(0);
    } finally {
      child.kill('SIGKILL');
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 120_000);
});
