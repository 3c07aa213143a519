import type { PersonalizeJobStatus, PersonalizeQueued } from '@lectern/api-types';
import { ContentSyncService } from '@lectern/content';
import { bearer, createLearner, createTestApp, startFakeOpenAI, type FakeOpenAI, type TestApp } from '@lectern/testing';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { AppModule } from '../src/app.module';

const ROOT = resolve(__dirname, '../..');
const WORKER = resolve(ROOT, 'dist/backend/worker.js');

/** Real worker processes (the built dist/backend/worker.js): one is SIGKILLed mid-stream, another finishes its job. */
describe('a worker killed mid-rewrite', () => {
  let fake: FakeOpenAI;
  let t: TestApp;
  const workers: ChildProcess[] = [];

  const startWorker = (): ChildProcess => {
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      NODE_ENV: 'test',
      DATABASE_URL: t.config.DATABASE_URL,
      REDIS_URL: t.config.REDIS_URL,
      QUEUE_PREFIX: t.config.QUEUE_PREFIX,
      CONTENT_STORE_DIR: t.config.CONTENT_STORE_DIR,
      TOKEN_SECRET: t.config.TOKEN_SECRET,
      ADMIN_TOKEN: t.config.ADMIN_TOKEN,
      OPENAI_BASE_URL: fake.url,
      LOG_LEVEL: 'warn',
    };
    const child = spawn(process.execPath, [WORKER], { cwd: ROOT, env, stdio: 'ignore' });
    workers.push(child);
    return child;
  };

  beforeAll(async () => {
    if (!existsSync(WORKER)) throw new Error('dist/backend/worker.js is missing: build the backend first (npx nx build backend)');
    fake = await startFakeOpenAI({ behaviour: { kind: 'slow-stream', chunkDelayMs: 150 } });
    t = await createTestApp((config) => AppModule.forRoot(config), { OPENAI_BASE_URL: fake.url });
    await t.app.get(ContentSyncService).sync(resolve(ROOT, 'content'));
  });
  afterAll(async () => {
    for (const w of workers) if (w.exitCode === null && w.signalCode === null) w.kill('SIGKILL');
    await t?.close();
    await fake?.close();
  });

  it('is taken over by another worker, which finishes the job: one rewrite row', async () => {
    const first = startWorker();
    const learner = await createLearner(t.app, { educationLevel: 'professional', aiMlExperience: 'advanced' });
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/personalize',
      headers: bearer(learner.token),
      payload: { lessonSlug: 'actuators-and-movement' },
    });
    expect(res.statusCode).toBe(202);
    const { jobId } = res.json<PersonalizeQueued>();

    // Wait until the first worker is streaming, then kill it without warning.
    // (A cold worker start takes 20 s and more on a loaded 2-core CI machine.)
    const deadline = Date.now() + 60_000;
    while (fake.calls.chatStreamed < 1) {
      if (Date.now() > deadline) throw new Error('the worker never called the LLM');
      await new Promise((r) => setTimeout(r, 50));
    }
    // Mid-stream: the worker has reported progress from the streamed deltas (not a guess at how long that takes).
    const status = () =>
      t.app
        .inject({ method: 'GET', url: `/api/personalize/jobs/${jobId}`, headers: bearer(learner.token) })
        .then((r) => r.json<PersonalizeJobStatus>());
    const midStreamBy = Date.now() + 30_000;
    for (let s = await status(); !(s.state === 'active' && s.progress > 2); s = await status()) {
      if (s.state === 'completed' || s.state === 'failed') throw new Error(`the job ended (${s.state}) before the worker was killed`);
      if (Date.now() > midStreamBy) throw new Error('the worker never reported streaming progress');
      await new Promise((r) => setTimeout(r, 50));
    }
    first.kill('SIGKILL');
    await new Promise((r) => first.once('exit', r));
    fake.setBehaviour({ kind: 'normal' }, 'chat');

    startWorker();
    // The takeover waits for the dead worker's lock to expire (15 s), the stalled-job check, and a cold worker start.
    let final: PersonalizeJobStatus | undefined;
    const end = Date.now() + 180_000;
    while (Date.now() < end) {
      final = await status();
      if (final.state === 'completed' || final.state === 'failed') break;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(final?.state).toBe('completed');
    expect(fake.calls.chatStreamed).toBeGreaterThanOrEqual(2);
    const [{ n }] = await t.dataSource.query(
      "SELECT count(*)::int AS n FROM personalized_lessons WHERE lesson_slug = 'actuators-and-movement'",
    );
    expect(n).toBe(1);
  }, 300_000);
});
