// The running Lectern on one port: the API (serving the built Angular app from
// FRONTEND_DIST) and a queue worker, from the built bundle in dist/. It prints
// the URL once the API answers; Ctrl-C or SIGTERM stops both (the API finishes
// its requests, the worker its jobs; a second Ctrl-C kills them at once); if
// either ends by itself, the other is stopped and its exit status returned.
//
//   npx nx run backend:serve        (builds, migrates and syncs the book first)
//   node scripts/lib/serve.mjs      (the built bundle as it is; what `npm start` ends with)
// Under Nx, stopping signals the whole process tree: fine for development,
// but a worker holding a paid job stops gracefully only when this script is
// the one that signals it (npm start, or running it directly).
//
// LECTERN_FAKE_LLM=1 (with no OPENAI_API_KEY/OPENAI_BASE_URL) also starts the
// repo's fake OpenAI-compatible server for a demo of the Personalized tab.
// Node rather than bash: the same on every machine (no `wait -n`).
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
process.chdir(ROOT);

const env = { ...process.env };
env.PORT ||= '3000';
env.HOST ||= '127.0.0.1';
// index.csr.html: built with the server bundle (server-side rendering, see the README); index.html: without.
const builtPage = ['index.csr.html', 'index.html'].some((name) => existsSync(join(ROOT, 'dist/frontend/browser', name)));
if (env.FRONTEND_DIST === undefined && builtPage) {
  env.FRONTEND_DIST = join(ROOT, 'dist/frontend/browser');
}
for (const entry of ['dist/backend/main.js', 'dist/backend/worker.js']) {
  if (!existsSync(join(ROOT, entry))) {
    console.error(`${entry} is missing: build first (npx nx run-many -t build -p backend frontend, or npx nx run backend:serve).`);
    process.exit(1);
  }
}

const children = new Map(); // name -> ChildProcess
let stopping = false;
let exitCode = 0;

/** Own process group (detached), so a terminal's Ctrl-C reaches this process only and each child gets exactly one SIGTERM. */
function start(name, args, output = 'inherit') {
  const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', output, output], detached: true });
  children.set(name, child);
  child.on('exit', (code, signal) => {
    children.delete(name);
    if (!stopping) {
      exitCode = code ?? 128 + (signal === 'SIGKILL' ? 9 : 15);
      console.error(`${name} ended (${signal ?? `exit ${code}`}); stopping the rest.`);
      stop('SIGTERM');
    }
    if (children.size === 0) process.exit(exitCode);
  });
  return child;
}

const terminated = new Set();
function stop(signal) {
  stopping = true;
  for (const child of children.values()) {
    if (signal === 'SIGTERM' && terminated.has(child)) continue;
    terminated.add(child);
    child.kill(signal);
  }
  if (children.size === 0) process.exit(exitCode);
}

// One SIGTERM per child, whatever reaches this process: a second SIGTERM would
// cut a worker's graceful stop short. Only a second Ctrl-C, a second or more
// later (a person insisting, not the same keypress seen twice), kills them.
let firstSignalAt = 0;
for (const [signal, code] of [
  ['SIGINT', 130],
  ['SIGTERM', 143],
  ['SIGHUP', 129],
]) {
  process.on(signal, () => {
    if (firstSignalAt === 0) {
      firstSignalAt = Date.now();
      exitCode = code;
      console.error('\nStopping Lectern (the worker finishes its current jobs; Ctrl-C again to kill it now)…');
      stop('SIGTERM');
    } else if (signal === 'SIGINT' && Date.now() - firstSignalAt > 1_000) {
      stop('SIGKILL');
    }
  });
}

if (env.LECTERN_FAKE_LLM === '1' && !env.OPENAI_API_KEY && !env.OPENAI_BASE_URL) {
  const fakePort = env.LECTERN_FAKE_LLM_PORT || '8089';
  mkdirSync(join(ROOT, '.lectern/logs'), { recursive: true });
  const log = createWriteStream(join(ROOT, '.lectern/logs/fake-llm.log'));
  await new Promise((done) => log.once('open', done));
  start('fake LLM', ['--experimental-strip-types', '--no-warnings', 'backend/testing/fake-openai/main.ts', '--port', fakePort], log);
  env.OPENAI_BASE_URL = `http://127.0.0.1:${fakePort}/v1`;
  console.log(`Using the repo's fake LLM on ${env.OPENAI_BASE_URL} (demo rewrites).`);
}

start('worker', ['dist/backend/worker.js']);
const api = start('api', ['dist/backend/main.js']);

// Print the URL once the API answers.
const shown = env.HOST === '0.0.0.0' || env.HOST === '::' ? 'localhost' : env.HOST;
const deadline = Date.now() + 120_000;
while (!stopping && api.exitCode === null && Date.now() < deadline) {
  const ok = await fetch(`http://127.0.0.1:${env.PORT}/health`).then(
    (r) => r.ok,
    () => false,
  );
  if (ok) {
    const secrets = existsSync(join(ROOT, '.lectern/secrets.env'));
    console.log(`\n  Lectern is running:  http://${shown}:${env.PORT}`);
    console.log(`  API docs:            http://${shown}:${env.PORT}/api/docs`);
    if (secrets) console.log('  Admin token:         in .lectern/secrets.env (ADMIN_TOKEN) unless you set one');
    console.log('');
    break;
  }
  await new Promise((r) => setTimeout(r, 500));
}
