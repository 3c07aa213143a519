import { chromium } from 'playwright-core';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { freePort, freshDatabase, lecternEnv, ROOT, run, startProcess } from './lib.mjs';
const db = await freshDatabase('lectern_trace_tmp');
const apiPort = await freePort();
const base = `http://127.0.0.1:${apiPort}`;
const env = lecternEnv(db.url, { PORT: String(apiPort), HOST: '127.0.0.1', FRONTEND_DIST: join(ROOT, 'dist/frontend') });
await run('dist/backend/cli.js', ['migrate'], env);
await run('dist/backend/cli.js', ['content', 'sync', 'content', '--json'], env);
const api = await startProcess([join(ROOT, 'dist/backend/main.js')], env, async () => (await fetch(`${base}/health/ready`)).ok, 'api');
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
for (const run of [1, 2]) {
  const context = await browser.newContext({ viewport: { width: 412, height: 823 } });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
  await browser.startTracing(page, { categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8', 'v8.execute', 'disabled-by-default-v8.compile', 'blink', 'loading', 'toplevel'] });
  await page.goto(`${base}/book`, { waitUntil: 'load' });
  await page.waitForTimeout(4000);
  const buf = await browser.stopTracing();
  writeFileSync(`/tmp/tr/trace-${run}.json`, buf);
  await context.close();
}
await browser.close();
api.kill?.('SIGTERM');
process.exit(0);
