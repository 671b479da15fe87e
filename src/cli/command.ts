import type { CliIo } from './io.ts';

/** One `clave` subcommand. `run` gets the arguments after its name and returns the exit status. */
export interface Command {
  summary: string;
  run(args: string[], io: CliIo): Promise<number>;
}
