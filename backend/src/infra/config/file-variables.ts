import { readFileSync } from 'node:fs';

/**
 * `NAME_FILE=/path` gives the variable NAME the contents of that file (one
 * trailing newline dropped), so secrets can arrive as files (Docker Compose or
 * Kubernetes secrets) instead of plain environment variables. Setting both
 * NAME and NAME_FILE, or naming a file that cannot be read, is a problem
 * (reported with the variable and the path, never the contents).
 */
export function readFileVariable(name: string, env: NodeJS.ProcessEnv, problems: string[]): string | undefined {
  const path = env[`${name}_FILE`];
  if (path === undefined || path === '') return undefined;
  if (env[name] !== undefined) {
    problems.push(`${name} is set twice: set either ${name} or ${name}_FILE, not both`);
    return undefined;
  }
  try {
    return readFileSync(path, 'utf8').replace(/\r?\n$/, '');
  } catch (error) {
    problems.push(`${name}_FILE names a file that cannot be read (${path}): ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
    return undefined;
  }
}
