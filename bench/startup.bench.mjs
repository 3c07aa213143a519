// Benchmark (not a test): how long the built api (dist/backend/main.js) and
// the CLI (`cli.js migrate` with nothing to do) take from spawn to ready, with
// Node's module compile cache (backend/src/compile-cache.ts) turned off
// (NODE_DISABLE_COMPILE_CACHE=1, the baseline) and on (a private, pre-warmed
// cache dir). Runs alternate, so both see the same machine load. Prints the
// medians and the ratio.
//
//   npm run bench -- startup [--runs 5]
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, freshDatabase, lecternEnv, percentile, ROOT, run } from './lib.mjs';

const runs = Number(process.argv[process.argv.indexOf('--runs') + 1]) || 5;

/** Milliseconds from spawning the api to /health/ready answering 200. */
async function apiReadyMs(env) {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, [join(ROOT, 'dist/backend/main.js')], {
    cwd: ROOT,
    env: { ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  child.stderr.on('data', (d) => (err = (err + d).slice(-4000)));
  try {
    const deadline = Date.now() + 120_000;
    for (;;) {
      const ok = await fetch(`http://127.0.0.1:${port}/health/ready`).then(
        (r) => r.status === 200,
        () => false,
      );
      if (ok) return performance.now() - started;
      if (child.exitCode !== null) throw new Error(`the api exited ${child.exitCode}: ${err}`);
      if (Date.now() > deadline) throw new Error(`the api was not ready within 120 s: ${err}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  } finally {
    await new Promise((done) => {
      if (child.exitCode !== null) return done();
      child.once('exit', done);
      child.kill('SIGTERM');
    });
  }
}

async function cliMs(env) {
  const started = performance.now();
  await run('dist/backend/cli.js', ['migrate'], env);
  return performance.now() - started;
}

const db = await freshDatabase('bench_startup');
const cacheDir = mkdtempSync(join(tmpdir(), 'lectern-compile-cache-'));
try {
  const base = lecternEnv(db.url);
  await run('dist/backend/cli.js', ['migrate'], base);
  const modes = {
    off: { ...base, NODE_DISABLE_COMPILE_CACHE: '1' },
    on: { ...base, NODE_COMPILE_CACHE: cacheDir },
  };
  // Warm the cache once (the first start after a build or upgrade pays the compile and writes it).
  await apiReadyMs(modes.on);
  await cliMs(modes.on);
  const api = { off: [], on: [] };
  const cli = { off: [], on: [] };
  for (let i = 0; i < runs; i++) {
    for (const mode of ['off', 'on']) {
      api[mode].push(await apiReadyMs(modes[mode]));
      cli[mode].push(await cliMs(modes[mode]));
    }
  }
  const row = (label, values) => {
    const off = percentile(values.off, 50);
    const on = percentile(values.on, 50);
    return `${label.padEnd(22)} cache off ${(off / 1000).toFixed(2)} s   cache on ${(on / 1000).toFixed(2)} s   on/off ${(on / off).toFixed(2)}`;
  };
  console.log(`startup, median of ${runs} alternating runs (load average ${(await import('node:os')).loadavg()[0].toFixed(1)})`);
  console.log(row('api spawn -> ready', api));
  console.log(row('cli migrate (no-op)', cli));
  console.log(`raw api ms: off ${api.off.map(Math.round).join(', ')}; on ${api.on.map(Math.round).join(', ')}`);
} finally {
  rmSync(cacheDir, { recursive: true, force: true });
  await db.drop();
}
