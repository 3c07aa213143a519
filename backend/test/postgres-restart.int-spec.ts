import type { LessonProgressDto, ProgressSummaryDto } from '@lectern/api-types';
import { ContentSyncService } from '@lectern/content';
import {
  bearer,
  createDatabase,
  createLearner,
  createTestApp,
  migrateDatabase,
  startPrivatePostgres,
  type PrivatePostgres,
  type TestApp,
} from '@lectern/testing';
import { HeartbeatBuffer } from '@lectern/progress';
import { resolve } from 'node:path';
import { AppModule } from '../src/app.module';

const LESSON = 'the-embodiment-hypothesis';

/**
 * PostgreSQL restarted under a running api (a private server, so nothing else
 * is disturbed): requests during the outage fail fast with the error shape,
 * the pool recovers by itself, and every progress write acknowledged before
 * the fault is still there after it. Never skipped: without PostgreSQL's
 * server binaries it fails saying where it looked, and
 * scripts/check-fault-tests.mjs fails the run if any fault test is skipped.
 */
describe('PostgreSQL restarted under the api', () => {
  let pg: PrivatePostgres;
  let t: TestApp;

  beforeAll(async () => {
    pg = await startPrivatePostgres();
    await createDatabase(pg.url(), 'lectern');
    await migrateDatabase(pg.url('lectern'));
    t = await createTestApp((config) => AppModule.forRoot(config), { DATABASE_URL: pg.url('lectern') });
    await t.app.get(ContentSyncService).sync(resolve(__dirname, '../../content'));
  }, 120_000);
  afterAll(async () => {
    await t?.close();
    await pg?.destroy();
  });

  it('fails fast while it is down, recovers by itself, and loses no acknowledged write', async () => {
    const learner = await createLearner(t.app, {});
    const progress = (method: 'POST' | 'PUT', path: string, payload?: object) =>
      t.app.inject({
        method,
        url: `/api/progress/lessons/${LESSON}${path}`,
        headers: bearer(learner.token),
        ...(payload ? { payload } : {}),
      });

    // Each heartbeat is credited only for time that passed since the previous one: let 7 s pass (in the rows) before each.
    // (Once the lesson has a heartbeat buffer in Redis, its watermark is there.)
    const sevenSecondsPass = () =>
      t.dataSource
        .query(
          `UPDATE lesson_progress SET heartbeat_at = COALESCE(heartbeat_at, started_at) - interval '7 seconds'
           WHERE user_id = $1 AND lesson_slug = $2`,
          [learner.id, LESSON],
        )
        .then(() => t.app.get(HeartbeatBuffer).backdate(learner.id, LESSON, 7))
        .then(
          () => true,
          () => false,
        );
    expect((await progress('POST', '/start')).statusCode).toBe(200);
    let acknowledged = 0;
    for (let i = 0; i < 10; i += 1) {
      await sevenSecondsPass();
      const res = await progress('PUT', '/time', { seconds: 7 });
      if (res.statusCode === 200) acknowledged += 7;
    }
    expect(acknowledged).toBe(70);

    await pg.stop();
    const started = Date.now();
    const during = await progress('PUT', '/time', { seconds: 7 });
    expect(Date.now() - started).toBeLessThan(10_000);
    // Refused, or — while the learner's session is still in the api's short cache — taken into the lesson's
    // Redis heartbeat buffer (no database needed): then it is acknowledged and must be kept.
    if (during.statusCode === 200) acknowledged = during.json<LessonProgressDto>().timeSpentSeconds;
    else {
      expect(during.statusCode).toBe(503);
      expect(during.json()).toMatchObject({ statusCode: 503, error: 'Service Unavailable', code: 'service_unavailable' });
    }
    const ready = await t.app.inject({ method: 'GET', url: '/health/ready' });
    expect(ready.statusCode).toBe(503);
    expect(ready.json()).toMatchObject({ database: 'down' });
    expect((await t.app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);

    await pg.start();

    let recovered: LessonProgressDto | undefined;
    // The pool reconnects once PostgreSQL accepts connections again: poll with a deadline fit for a loaded machine.
    const recoverBy = Date.now() + 60_000;
    while (!recovered && Date.now() < recoverBy) {
      if (!(await sevenSecondsPass())) {
        await new Promise((r) => setTimeout(r, 200));
        continue;
      }
      const res = await progress('PUT', '/time', { seconds: 7 });
      if (res.statusCode === 200) recovered = res.json<LessonProgressDto>();
      else await new Promise((r) => setTimeout(r, 200));
    }
    expect(recovered).toBeDefined();
    // Everything acknowledged before the fault, plus the write that succeeded after it; the failed one is not counted.
    expect(recovered?.timeSpentSeconds).toBe(acknowledged + 7);
    const summary = (
      await t.app.inject({ method: 'GET', url: '/api/progress', headers: bearer(learner.token) })
    ).json<ProgressSummaryDto>();
    expect(summary.totalTimeSpentSeconds).toBe(acknowledged + 7);
    expect((await t.app.inject({ method: 'GET', url: '/health/ready' })).statusCode).toBe(200);
  }, 120_000);
});
