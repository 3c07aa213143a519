/**
 * Runs the fake OpenAI-compatible server by hand (the Nx target
 * `npx nx run fake-llm:serve` runs this file):
 *
 *   node --experimental-strip-types backend/testing/fake-openai/main.ts --port 8089
 *
 * then point Lectern at it with OPENAI_BASE_URL=http://127.0.0.1:8089/v1 and
 * any OPENAI_API_KEY. Options: --host, --port, --require-key, --delay-ms,
 * --models (comma-separated). Ctrl-C stops it.
 *
 * The server module is loaded by its file path (with the `.ts` extension,
 * which Node's own type stripping needs but the repository's TypeScript
 * settings do not allow in an import specifier).
 */
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

type ServerModule = typeof import('./fake-openai-server');
type TutorModule = typeof import('./tutor');

const USAGE =
  'usage: node --experimental-strip-types backend/testing/fake-openai/main.ts ' +
  '[--port 8089] [--host 127.0.0.1] [--require-key KEY] [--delay-ms 0] [--models a,b]';

function nonNegativeInteger(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0) throw new Error(`--${name} must be a non-negative integer, got "${value}"`);
  return parsed;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      'require-key': { type: 'string' },
      'delay-ms': { type: 'string' },
      models: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const here = dirname(resolve(process.argv[1] ?? 'backend/testing/fake-openai/main.ts'));
  const serverModule = pathToFileURL(join(here, 'fake-openai-server.ts')).href;
  const { startFakeOpenAI } = (await import(serverModule)) as ServerModule;
  // Tutor prompts get the tutor's deterministic answers (tutor.ts); everything else the server's own.
  const { fakeTutorResponder } = (await import(pathToFileURL(join(here, 'tutor.ts')).href)) as TutorModule;
  const fake = await startFakeOpenAI({
    host: values.host ?? '127.0.0.1',
    port: nonNegativeInteger('port', values.port, 8089),
    requireKey: values['require-key'],
    delayMs: nonNegativeInteger('delay-ms', values['delay-ms'], 0),
    chatResponder: fakeTutorResponder,
    models: values.models
      ?.split(',')
      .map((model) => model.trim())
      .filter((model) => model !== ''),
    onRequest: (entry) => {
      console.log(`${new Date(entry.timestamp).toISOString()} ${entry.method} ${entry.path} → ${entry.status ?? '-'} ${entry.summary}`);
    },
  });
  console.log(`Fake OpenAI server listening: OPENAI_BASE_URL=${fake.url} OPENAI_API_KEY=${fake.apiKey}`);
  const stop = (): void => {
    fake.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  console.error(USAGE);
  process.exitCode = 1;
});
