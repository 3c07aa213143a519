// Benchmark (not a test): how long the built api (dist/backend/main.js) and
// the CLI (`cli.js migrate` with nothing to do) take from spawn to ready, with
// Node's module compile cache (backend/src/compile-cache.ts) turned off
// (NODE_DISABLE_COMPILE_CACHE=1, the baseline) and on (a private, pre-warmed
// cache dir). Runs alternate, so both see the same machine load. Prints the
// medians of the wall time and of the CPU time the process used until ready
// (user + system: on a busy machine the wall time mostly measures the others).
//
//   npm run bench -- startup [--runs 5]
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, freshDatabase, lecternEnv, percentile, ROOT, run } from './lib.mjs';

const runs = Number(process.argv[process.argv.indexOf('--runs') + 1]) || 5;

/** CPU seconds (user + system) a running process has used so far (Linux /proc; clock ticks of 1/100 s). */
function cpuSeconds(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Wall ms from spawning the api to /health/ready answering 200, and the CPU seconds it used by then. */
async function api(env) {
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
    const deadline = Date.now() + 180_000;
    for (;;) {
      const ok = await fetch(`http://127.0.0.1:${port}/health/ready`).then(
        (r) => r.status === 200,
        () => false,
      );
      if (ok) return { wall: performance.now() - started, cpu: cpuSeconds(child.pid) };
      if (child.exitCode !== null) throw new Error(`the api exited ${child.exitCode}: ${err}`);
      if (Date.now() > deadline) throw new Error(`the api was not ready within 180 s: ${err}`);
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

/** The same for `cli.js migrate` run to its end (bash's `times` reports the CPU its child used). */
async function cli(env) {
  const started = performance.now();
  const out = await new Promise((done, fail) => {
    const child = spawn('bash', ['-c', `"${process.execPath}" dist/backend/cli.js migrate >/dev/null || exit 1; times`], {
      cwd: ROOT,
      env,
    });
    let text = '';
    child.stdout.on('data', (d) => (text += d));
    child.on('exit', (code) => (code === 0 ? done(text) : fail(new Error(`cli.js migrate exited ${code}`))));
  });
  // `times`: the shell's own user/system, then its children's.
  const [user, system] = out
    .trim()
    .split('\n')[1]
    .split(/\s+/)
    .map((t) => {
      const [, m, sec] = /(\d+)m([\d.]+)s/.exec(t);
      return Number(m) * 60 + Number(sec);
    });
  return { wall: performance.now() - started, cpu: user + system };
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
  // Warm the cache once (the first start after a build or a Node upgrade compiles and writes it).
  await api(modes.on);
  await cli(modes.on);
  const results = { api: { off: [], on: [] }, cli: { off: [], on: [] } };
  for (let i = 0; i < runs; i++) {
    for (const mode of ['off', 'on']) {
      results.api[mode].push(await api(modes[mode]));
      results.cli[mode].push(await cli(modes[mode]));
    }
  }
  const median = (values, key) =>
    percentile(
      values.map((v) => v[key]),
      50,
    );
  const row = (label, values) => {
    const cells = ['wall', 'cpu'].map((key) => {
      const scale = key === 'wall' ? 1000 : 1;
      const off = median(values.off, key) / scale;
      const on = median(values.on, key) / scale;
      return `${key} off ${off.toFixed(2)} s, on ${on.toFixed(2)} s (on/off ${(on / off).toFixed(2)})`;
    });
    return `${label.padEnd(22)} ${cells.join('   ')}`;
  };
  console.log(`startup, median of ${runs} alternating runs (load average now ${loadavg()[0].toFixed(1)})`);
  console.log(row('api spawn -> ready', results.api));
  console.log(row('cli migrate (no-op)', results.cli));
  const raw = (values) => values.map((v) => `${(v.wall / 1000).toFixed(1)}/${v.cpu.toFixed(2)}`).join(' ');
  for (const what of ['api', 'cli']) console.log(`raw ${what} wall/cpu s: off ${raw(results[what].off)}; on ${raw(results[what].on)}`);
} finally {
  rmSync(cacheDir, { recursive: true, force: true });
  await db.drop();
}
