import { spawn, spawnSync } from 'node:child_process';

export const TSHARK = 'tshark';

export interface CaptureResult {
  /** Packets tshark says it captured, and those the kernel or dumpcap dropped (null when it did not say). */
  captured: number | null;
  dropped: number | null;
}

export interface Capture {
  readonly file: string;
  stop(): Promise<CaptureResult>;
}

/** tshark's version line, or null when it is not installed. */
export function tsharkVersion(): string | null {
  const r = spawnSync(TSHARK, ['--version'], { encoding: 'utf8' });
  return r.status === 0 ? (r.stdout.split('\n')[0] ?? null) : null;
}

/**
 * Captures loopback traffic matching a BPF filter into a classic pcap file
 * (tshark, which runs dumpcap), resolving once the capture is running, so
 * nothing sent afterwards is missed. The capture is the referee of the
 * benchmark: times come from the kernel, not from either peer.
 *
 * @example
 *   const cap = await startCapture('/tmp/l.pcap', 'udp and (port 5060 or portrange 17000-18999)');
 *   // … run the calls …
 *   const { dropped } = await cap.stop();
 */
export async function startCapture(file: string, filter: string, iface = 'lo'): Promise<Capture> {
  // -B: a 64 MiB kernel buffer, so a burst of 400 calls' RTP is not dropped while dumpcap writes.
  const child = spawn(TSHARK, ['-i', iface, '-f', filter, '-w', file, '-F', 'pcap', '-B', '64', '-q'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  const closed = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`tshark did not start capturing: ${stderr}`)), 20_000);
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (text: string) => {
      stderr += text;
      if (/Capture started|Capturing on/.test(stderr)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    void closed.then((code) => {
      clearTimeout(timer);
      reject(new Error(`tshark exited (${code}) before capturing: ${stderr}`));
    });
  });
  return {
    file,
    async stop() {
      if (child.exitCode === null) child.kill('SIGINT');
      await closed;
      const captured = /(\d+) packets? captured/.exec(stderr);
      const dropped = /(\d+) packets? dropped/.exec(stderr);
      return { captured: captured ? Number(captured[1]) : null, dropped: dropped ? Number(dropped[1]) : captured ? 0 : null };
    },
  };
}
