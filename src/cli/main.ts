import { callCommand } from './call-command.ts';
import { incidentCommand } from './incident-command.ts';
import { operatorCommand } from './operator-command.ts';
import type { Command } from './command.ts';
import { processIo, type CliIo } from './io.ts';

/**
 * The `clave` commands. To add one, write a file exporting a Command
 * (see call-command.ts) and add a line here; usage is built from this table.
 */
export const COMMANDS: Readonly<Record<string, Command>> = {
  call: callCommand,
  incident: incidentCommand,
  operator: operatorCommand,
  // serve:   start the line (composition root)
  // migrate: bring the database schema up to date
  // flows:   validate and list flow definitions
};

function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((n) => n.length));
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return `usage: clave <command> [options]\n\nCommands:\n${lines.join('\n')}\n\nRun "clave <command> --help" for its options.\n`;
}

/**
 * Runs one `clave` command and returns its exit status: unknown commands get
 * the usage on stderr and 2.
 *
 * @example
 *   process.exitCode = await main(['call', '--from', '+34600111222', '--to', '950183313']);
 */
export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  const [name, ...rest] = argv;
  if (name === 'help' || name === '--help' || name === '-h') {
    io.stdout.write(usage());
    return 0;
  }
  const command = name === undefined ? undefined : Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (command === undefined) {
    io.stderr.write(`${name === undefined ? 'clave: no command given' : `clave: unknown command "${name}"`}\n\n${usage()}`);
    return 2;
  }
  return command.run(rest, io);
}
