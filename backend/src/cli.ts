import './compile-cache';
import { ConfigError } from '@lectern/infra';
import { CommanderError } from 'commander';
import { buildProgram } from './commands/program';

/** The CLI's entry point: parses the command line (commands/program.ts), runs the command, exits with its code. */
buildProgram()
  .exitOverride()
  .parseAsync(process.argv)
  .then(
    () => process.exit(process.exitCode ?? 0),
    (error: unknown) => {
      if (error instanceof CommanderError) process.exit(error.exitCode);
      process.stderr.write(
        error instanceof ConfigError ? `${error.message}\n` : `${error instanceof Error ? error.message : String(error)}\n`,
      );
      process.exit(1);
    },
  );
