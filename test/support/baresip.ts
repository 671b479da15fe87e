import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './sipp.ts';

export const BARESIP = '/usr/bin/baresip';
const MODULES = '/usr/lib/baresip/modules';
/** The modules a headless run needs (Debian's baresip 1.0: aufile is a source only, aubridge gives a player without a sound card). */
const NEEDED = ['g711.so', 'aufile.so', 'aubridge.so', 'account.so', 'menu.so', 'ctrl_tcp.so'];
export const hasBaresip = existsSync(BARESIP) && NEEDED.every((m) => existsSync(join(MODULES, m)));
export const BARESIP_SKIP_REASON = `${BARESIP} or its modules ${NEEDED.join(', ')} are not installed (Debian: apt-get install baresip)`;

export interface BaresipEvent {
  type: string;
  class?: string;
  param?: string;
  peeruri?: string;
}

/** A WAV header plus `seconds` of 8 kHz mono 16-bit silence: the phone's "microphone". */
function silentWav(seconds: number): Buffer {
  const data = 8000 * 2 * seconds;
  const h = Buffer.alloc(44);
  h.write('RIFF', 0);
  h.writeUInt32LE(36 + data, 4);
  h.write('WAVEfmt ', 8);
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(1, 20); // PCM
  h.writeUInt16LE(1, 22); // mono
  h.writeUInt32LE(8000, 24);
  h.writeUInt32LE(16000, 28);
  h.writeUInt16LE(2, 32);
  h.writeUInt16LE(16, 34);
  h.write('data', 36);
  h.writeUInt32LE(data, 40);
  return Buffer.concat([h, Buffer.alloc(data)]);
}

/**
 * Debian's baresip as a headless softphone: a throw-away config directory
 * (`baresip -f`), a WAV of silence for a microphone, the aubridge player
 * for a loudspeaker, one account without registration, and the ctrl_tcp
 * module (JSON in netstrings) to dial, press keys (RFC 4733, baresip's
 * default) and hear its call events.
 *
 * @example
 *   const phone = await Baresip.start({ aor: 'sip:+34600111222@127.0.0.1' });
 *   await phone.command('dial', 'sip:950183313@127.0.0.1:5060');
 *   await phone.waitFor('CALL_ESTABLISHED');
 *   await phone.command('sndcode', '2');
 *   await phone.stop();
 */
export class Baresip {
  readonly events: BaresipEvent[] = [];
  readonly #child: ChildProcess;
  readonly #ctrl: Socket;
  readonly #dir: string;
  #output = '';
  #buffer = Buffer.alloc(0);
  #token = 0;
  readonly #pending = new Map<string, (r: { ok: boolean; data: string }) => void>();

  private constructor(child: ChildProcess, ctrl: Socket, dir: string) {
    this.#child = child;
    this.#ctrl = ctrl;
    this.#dir = dir;
    const keep = (d: Buffer) => (this.#output = (this.#output + d.toString()).slice(-20_000));
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    ctrl.on('data', (d) => this.#read(d));
  }

  /** Starts baresip and connects to its control port (bounded: 10 s). */
  static async start(opts: { aor: string }): Promise<Baresip> {
    const dir = await mkdtemp(join(tmpdir(), 'clave-baresip-'));
    const [sipPort, ctrlPort, rtpBase] = [await freePort(), await freePort(), await freePort()];
    await writeFile(join(dir, 'silence.wav'), silentWav(120));
    await writeFile(
      join(dir, 'config'),
      [
        'poll_method\t\tpoll',
        `sip_listen\t\t127.0.0.1:${sipPort}`,
        'call_local_timeout\t30',
        `audio_source\t\taufile,${join(dir, 'silence.wav')}`,
        'audio_player\t\taubridge,clave',
        'audio_alert\t\taubridge,clave',
        `rtp_ports\t\t${rtpBase}-${rtpBase + 99}`,
        'rtcp_mux\t\tno',
        'jitter_buffer_delay\t5-10',
        `module_path\t\t${MODULES}`,
        'module\t\t\tg711.so',
        'module\t\t\taufile.so',
        'module\t\t\taubridge.so',
        'module_tmp\t\taccount.so',
        'module_app\t\tmenu.so',
        'module_app\t\tctrl_tcp.so',
        `ctrl_tcp_listen\t\t127.0.0.1:${ctrlPort}`,
        '',
      ].join('\n'),
    );
    // regint=0: no REGISTER, the phone only places the call.
    await writeFile(join(dir, 'accounts'), `<${opts.aor}>;regint=0;audio_codecs=pcmu,pcma\n`);
    const child = spawn(BARESIP, ['-f', dir, '-v'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const until = Date.now() + 10_000;
    for (;;) {
      const ctrl = await new Promise<Socket | null>((resolve) => {
        const s = connect(ctrlPort, '127.0.0.1');
        s.once('connect', () => resolve(s));
        s.once('error', () => resolve(null));
      });
      if (ctrl) return new Baresip(child, ctrl, dir);
      if (Date.now() > until || child.exitCode !== null) {
        child.kill();
        throw new Error(`baresip did not open its control port ${ctrlPort}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** baresip's console output so far (the tail), for failure messages. */
  get output(): string {
    return this.#output;
  }

  /** One ctrl_tcp command: `{"command", "params", "token"}` as a netstring; resolves with the response. */
  command(command: string, params = ''): Promise<{ ok: boolean; data: string }> {
    const token = `t${++this.#token}`;
    const json = Buffer.from(JSON.stringify({ command, params, token }));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`baresip: no response to ${command}`)), 5000);
      this.#pending.set(token, (r) => {
        clearTimeout(timer);
        resolve(r);
      });
      this.#ctrl.write(Buffer.concat([Buffer.from(`${json.length}:`), json, Buffer.from(',')]));
    });
  }

  /** Waits for a call event (CALL_ESTABLISHED, CALL_CLOSED, …); fails after `ms`. */
  async waitFor(type: string, ms = 10_000): Promise<BaresipEvent> {
    const until = Date.now() + ms;
    for (;;) {
      const e = this.events.find((x) => x.type === type);
      if (e) return e;
      if (Date.now() > until) throw new Error(`baresip: no ${type} in ${ms} ms; events: ${this.events.map((x) => x.type).join(', ')}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Ends baresip (its `quit` command, then SIGTERM, then SIGKILL) and removes its directory. */
  async stop(): Promise<void> {
    if (this.#child.exitCode === null) {
      const exited = new Promise<void>((resolve) => this.#child.once('exit', () => resolve()));
      await this.command('quit').catch(() => undefined);
      const timer = setTimeout(() => this.#child.kill('SIGTERM'), 2000);
      const hard = setTimeout(() => this.#child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
      clearTimeout(hard);
    }
    this.#ctrl.destroy();
    await rm(this.#dir, { recursive: true, force: true });
  }

  // Netstrings (`<length>:<bytes>,`), each a JSON response or event.
  #read(data: Buffer): void {
    this.#buffer = Buffer.concat([this.#buffer, data]);
    for (;;) {
      const colon = this.#buffer.indexOf(':');
      if (colon < 0) return;
      const length = Number(this.#buffer.subarray(0, colon).toString());
      if (this.#buffer.length < colon + 1 + length + 1) return;
      const body = JSON.parse(this.#buffer.subarray(colon + 1, colon + 1 + length).toString()) as Record<string, unknown>;
      this.#buffer = this.#buffer.subarray(colon + 1 + length + 1);
      if (body['event'] === true) this.events.push(body as unknown as BaresipEvent);
      else if (body['response'] === true) this.#pending.get(String(body['token']))?.({ ok: body['ok'] === true, data: typeof body['data'] === 'string' ? body['data'] : '' });
    }
  }
}
