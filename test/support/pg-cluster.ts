import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './sipp.ts';

const run = promisify(execFile);
const ROOT = '/usr/lib/postgresql';

/** The newest PostgreSQL server binaries Debian installed (initdb, pg_ctl), or undefined. */
function serverBin(): string | undefined {
  if (!existsSync(ROOT)) return undefined;
  const versions = readdirSync(ROOT).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a));
  return versions.map((v) => join(ROOT, v, 'bin')).find((bin) => existsSync(join(bin, 'initdb')) && existsSync(join(bin, 'pg_ctl')));
}

/** The uid and gid of the `postgres` user, or undefined when there is none. */
function postgresUser(): { uid: number; gid: number } | undefined {
  // Read at import: whether the tests run is decided before they are collected.
  const passwd = existsSync('/etc/passwd') ? readFileSync('/etc/passwd', 'utf8') : '';
  const line = passwd.split('\n').find((l) => l.startsWith('postgres:'));
  const [, , uid, gid] = line?.split(':') ?? [];
  return uid && gid ? { uid: Number(uid), gid: Number(gid) } : undefined;
}

const bin = serverBin();
const asRoot = process.getuid?.() === 0;
const owner = asRoot ? postgresUser() : undefined;

/** Why a test that stops its own PostgreSQL cannot run here, or undefined when it can. */
export const PG_CLUSTER_SKIP_REASON: string | undefined = !bin
  ? `no PostgreSQL server binaries (initdb, pg_ctl) under ${ROOT}/*/bin (Debian: apt-get install postgresql)`
  : asRoot && !owner
    ? 'running as root and there is no postgres user to run initdb and pg_ctl as'
    : undefined;

export interface PgCluster {
  /** postgres://postgres@127.0.0.1:<port>/postgres */
  url: string;
  port: number;
  /** pg_ctl stop -m fast: connections are ended, the server shuts down cleanly. */
  stop(): Promise<void>;
  /** pg_ctl start again, waiting until it accepts connections. */
  start(): Promise<void>;
  /** Stops it (immediate) if it runs, and removes its files. Idempotent. */
  destroy(): Promise<void>;
}

/**
 * A PostgreSQL cluster this test owns, so it may stop and start it: initdb
 * into a temporary folder, on a free loopback port, fsync off (a test's
 * data need not survive a power cut). As root, the binaries run as the
 * `postgres` user (runuser), since the server refuses to run as root.
 * `parent` puts it on a file system of the test's choosing (a small tmpfs
 * to fill).
 *
 * @example
 *   const pg = await startPgCluster();
 *   await pg.stop(); await pg.start();
 *   await pg.destroy();
 */
export async function startPgCluster(opts: { parent?: string } = {}): Promise<PgCluster> {
  if (PG_CLUSTER_SKIP_REASON || !bin) throw new Error(PG_CLUSTER_SKIP_REASON);
  const dir = await mkdtemp(join(opts.parent ?? tmpdir(), 'clave-pg-'));
  if (owner) await chown(dir, owner.uid, owner.gid);
  const data = join(dir, 'data');
  const pg = (tool: string, args: string[]) =>
    asRoot ? run('runuser', ['-u', 'postgres', '--', join(bin, tool), ...args]) : run(join(bin, tool), args);
  await pg('initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-sync']);
  const port = await freePort();
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off`;
  let running = false;
  const start = async () => {
    await pg('pg_ctl', ['-D', data, '-l', join(dir, 'server.log'), '-o', options, '-w', '-t', '30', 'start']);
    running = true;
  };
  await start();
  let destroyed = false;
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    start,
    async stop() {
      await pg('pg_ctl', ['-D', data, '-m', 'fast', '-w', '-t', '30', 'stop']);
      running = false;
    },
    async destroy() {
      if (destroyed) return;
      destroyed = true;
      if (running) await pg('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']).catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
