import { spawn } from 'node:child_process';
import { TSHARK } from './capture.ts';

/** One row of tshark's `-z rtp,streams` table. */
export interface TsharkStream {
  srcPort: number;
  dstPort: number;
  ssrc: number;
  packets: number;
  maxDeltaMs: number;
  meanJitterMs: number;
  maxJitterMs: number;
}

const ROW =
  /^\s*[\d.]+\s+[\d.]+\s+\S+\s+(\d+)\s+\S+\s+(\d+)\s+(0x[0-9a-f]+)\s+.+?\s+(\d+)\s+-?\d+ \([-\d.]+%\)\s+[\d.]+\s+[\d.]+\s+([\d.]+)\s+[\d.]+\s+([\d.]+)\s+([\d.]+)/i;

/**
 * tshark's own RTP stream analysis of a capture (heuristic RTP decoding, so
 * no SDP is needed): the independent cross-check of our pcap reader's
 * jitter and gap figures. Slow on big captures; `--tshark-stats` turns it on.
 *
 * @example
 *   const rows = await tsharkStreams('/tmp/level-10.pcap');
 *   const worstGap = Math.max(...rows.map((r) => r.maxDeltaMs));
 */
export async function tsharkStreams(file: string): Promise<TsharkStream[]> {
  const child = spawn(TSHARK, ['-r', file, '-q', '-o', 'rtp.heuristic_rtp:TRUE', '-z', 'rtp,streams'], { stdio: ['ignore', 'pipe', 'ignore'] });
  let out = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (text: string) => (out += text));
  await new Promise((resolve) => child.on('close', resolve));
  const rows: TsharkStream[] = [];
  for (const line of out.split('\n')) {
    const m = ROW.exec(line);
    if (!m) continue;
    rows.push({
      srcPort: Number(m[1]),
      dstPort: Number(m[2]),
      ssrc: Number.parseInt(m[3]!, 16),
      packets: Number(m[4]),
      maxDeltaMs: Number(m[5]),
      meanJitterMs: Number(m[6]),
      maxJitterMs: Number(m[7]),
    });
  }
  return rows;
}
