#!/usr/bin/env node
// Entry point of the `clave` command. Clave's sources are TypeScript run by
// Node 24's type stripping, so an older node on PATH must stop here with a
// clear hint rather than fail on the first type annotation.
import process from 'node:process';
import { setTimeout } from 'node:timers';

const major = Number(process.versions.node.split('.')[0]);
if (major < 24) {
  process.stderr.write(
    `Clave needs Node 24 (this is Node ${process.versions.node}): run it through npx / npm so node_modules/.bin/node is used, e.g. "npx clave call ..."\n`,
  );
  process.exit(1);
}

const { main } = await import('../src/cli/main.ts');
const code = await main(process.argv.slice(2));
process.exitCode = code;
// Let pending output drain and the loop empty; a handle left open by mistake
// (a paused stdin on some platforms) must not keep the command alive.
setTimeout(() => process.exit(code), 1000).unref();
