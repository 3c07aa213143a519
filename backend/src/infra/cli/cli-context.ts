import type { INestApplicationContext } from '@nestjs/common';

/**
 * What a CLI command gets from the CLI's composition root (backend/src/commands):
 * the api's modules booted without HTTP, closed when `run` ends. Each command
 * is one file (`<name>.command.ts`) returning a `commander` Command; a domain's
 * commands live in its own `commands/` folder.
 */
export interface CliContext {
  withApp<T>(run: (app: INestApplicationContext) => Promise<T>): Promise<T>;
}

/** Sets the exit code a command's action ends with (the CLI exits with it once the action is done). */
export function exitWith(code: number): void {
  process.exitCode = code;
}
