// Lighthouse against a running Lectern, driving Debian's Chromium (no browser
// download): Chromium is started here with a remote-debugging port and a
// throwaway profile; a learner is created and onboarded through the API and
// put into that profile's localStorage (through playwright-core connected over
// CDP), and Lighthouse then audits with `disableStorageReset` so the app
// recognises the learner instead of redirecting to /onboarding.
// Shared by the browser tests and bench/lighthouse.bench.mjs.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import lighthouse, { type Flags, type Result } from 'lighthouse';
import { chromium } from 'playwright-core';
// The one freePort, in backend/testing. Node runs these files with type stripping, which needs the file path
// (tsconfig aliases do not apply).
// eslint-disable-next-line @nx/enforce-module-boundaries
import { freePort } from '../../../backend/testing/free-port.ts';

export const CHROME_PATH = process.env.CHROME_PATH ?? process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export interface Learner {
  token: string;
  userId: string;
}

/** The answers of the learner the audits run as (the API's vocabulary). */
export const AUDIT_PROFILE = {
  educationLevel: 'undergraduate',
  programmingExperience: 'beginner',
  roboticsBackground: false,
  aiMlExperience: 'basic',
  learningGoals: ['building_projects'],
  preferredLanguage: 'en',
};

/** POST /api/user/create + POST /api/onboarding: a learner who has answered the questionnaire. */
export async function createLearner(baseUrl: string, answers: Record<string, unknown> = AUDIT_PROFILE): Promise<Learner> {
  const created = await fetch(`${baseUrl}/api/user/create`, { method: 'POST' });
  if (created.status !== 201) throw new Error(`POST /api/user/create answered ${created.status}`);
  const { token, user } = (await created.json()) as { token: string; user: { id: string } };
  const onboarded = await fetch(`${baseUrl}/api/onboarding`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(answers),
  });
  if (onboarded.status !== 201) throw new Error(`POST /api/onboarding answered ${onboarded.status}: ${await onboarded.text()}`);
  return { token, userId: user.id };
}

export interface AuditChrome {
  port: number;
  /** Puts the learner into localStorage for `baseUrl`'s origin and empties the HTTP cache (a cold first visit). */
  prepare(baseUrl: string, learner: Learner): Promise<void>;
  stop(): Promise<void>;
}

/** Starts Chromium headless with a remote-debugging port and a fresh profile. */
export async function launchAuditChrome(): Promise<AuditChrome> {
  const port = await freePort();
  const profile = mkdtempSync(join(tmpdir(), 'lectern-lighthouse-'));
  const child: ChildProcess = spawn(
    CHROME_PATH,
    [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--no-default-browser-check',
      '--disable-quic',
      `--remote-debugging-port=${port}`,
      `--user-data-dir=${profile}`,
      'about:blank',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(profile, { recursive: true, force: true });
  };
  const deadline = Date.now() + 15_000;
  for (;;) {
    const up = await fetch(`http://127.0.0.1:${port}/json/version`).then(
      (r) => r.ok,
      () => false,
    );
    if (up) break;
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`Chromium (${CHROME_PATH}) did not open its debugging port: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    port,
    async prepare(baseUrl, learner) {
      const browser = await chromium.connectOverCDP(`http://127.0.0.1:${port}`);
      try {
        const context = browser.contexts()[0];
        const page = await context.newPage();
        // A same-origin page that is not the app, so no app asset lands in the cache.
        await page.goto(`${baseUrl}/health/ready`);
        await page.evaluate(({ token, userId }) => {
          localStorage.setItem('lectern.token', token);
          localStorage.setItem('lectern.userId', userId);
        }, learner);
        const cdp = await context.newCDPSession(page);
        await cdp.send('Network.clearBrowserCache');
        await cdp.detach();
        await page.close();
      } finally {
        await browser.close(); // over CDP this only disconnects; Chromium keeps running
      }
    },
    stop,
  };
}

export type Category = 'performance' | 'accessibility' | 'best-practices' | 'seo';

export interface AuditOptions {
  categories: Category[];
  /** Lighthouse's desktop settings instead of its default (mobile, simulated slow 4G). */
  desktop?: boolean;
}

/** Runs Lighthouse on `url` in the Chromium at `port`, keeping the storage `prepare` set. */
export async function audit(port: number, url: string, options: AuditOptions): Promise<Result> {
  const flags: Flags = {
    port,
    hostname: '127.0.0.1',
    logLevel: 'error',
    output: 'json',
    onlyCategories: options.categories,
    disableStorageReset: true,
    ...(options.desktop
      ? {
          formFactor: 'desktop',
          screenEmulation: { mobile: false, width: 1350, height: 940, deviceScaleFactor: 1, disabled: false },
          throttling: {
            rttMs: 40,
            throughputKbps: 10 * 1024,
            cpuSlowdownMultiplier: 1,
            requestLatencyMs: 0,
            downloadThroughputKbps: 0,
            uploadThroughputKbps: 0,
          },
        }
      : {}),
  };
  const result = await lighthouse(url, flags);
  if (!result) throw new Error(`Lighthouse returned nothing for ${url}`);
  const lhr = result.lhr;
  if (lhr.runtimeError) throw new Error(`Lighthouse could not audit ${url}: ${lhr.runtimeError.code} ${lhr.runtimeError.message}`);
  return lhr;
}

export interface Summary {
  url: string;
  /** The URL the audited page ended at (a redirect to /onboarding would show here). */
  finalUrl: string;
  scores: Partial<Record<Category, number | null>>;
  metrics: { fcpMs?: number; lcpMs?: number; tbtMs?: number; cls?: number; speedIndexMs?: number };
}

export function summarize(lhr: Result): Summary {
  const numeric = (id: string): number | undefined => lhr.audits[id]?.numericValue;
  const scores: Summary['scores'] = {};
  for (const [id, category] of Object.entries(lhr.categories)) scores[id as Category] = category.score;
  return {
    url: lhr.requestedUrl ?? '',
    finalUrl: lhr.finalDisplayedUrl,
    scores,
    metrics: {
      fcpMs: numeric('first-contentful-paint'),
      lcpMs: numeric('largest-contentful-paint'),
      tbtMs: numeric('total-blocking-time'),
      cls: numeric('cumulative-layout-shift'),
      speedIndexMs: numeric('speed-index'),
    },
  };
}

/** The audits of a category that did not pass, with the elements they name. */
export function failingAudits(lhr: Result, category: Category): string[] {
  const refs = lhr.categories[category]?.auditRefs ?? [];
  const lines: string[] = [];
  for (const ref of refs) {
    const a = lhr.audits[ref.id];
    if (!a || a.score === null || a.score >= 1 || a.scoreDisplayMode === 'notApplicable' || a.scoreDisplayMode === 'informative') continue;
    const details = a.details as { items?: Array<{ node?: { selector?: string; snippet?: string; explanation?: string } }> } | undefined;
    const nodes = (details?.items ?? [])
      .map((item) => item.node)
      .filter((n): n is NonNullable<typeof n> => !!n)
      .slice(0, 5)
      .map(
        (n) =>
          `      ${n.selector ?? ''} ${n.snippet ?? ''}${n.explanation ? `\n        ${n.explanation.replace(/\n/g, '\n        ')}` : ''}`,
      );
    lines.push(`  ${a.id} (weight ${ref.weight}, score ${a.score}): ${a.title}${nodes.length ? `\n${nodes.join('\n')}` : ''}`);
  }
  return lines;
}
