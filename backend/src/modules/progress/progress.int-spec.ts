import type { ApiErrorBody, LessonProgressDto, ProgressSummaryDto } from '@lectern/api-types';
import { ContentModule, ContentService, ContentSyncService } from '@lectern/content';
import { QueueModule } from '@lectern/infra';
import { OnboardingModule } from '@lectern/onboarding';
import { bearer, createLearner, createTestApp, type TestApp } from '@lectern/testing';
import { UsersModule } from '@lectern/users';
import { resolve } from 'node:path';
import { FLUSH_SQL, HeartbeatBuffer } from './heartbeat-buffer';
import { ProgressModule } from './progress.module';
import { HEARTBEAT_ALLOWANCE_SECONDS } from './progress.service';

const SAMPLE_BOOK = resolve(__dirname, '../../../../content');

describe('progress (real PostgreSQL, the sample book)', () => {
  let t: TestApp;
  let totalLessons: number;

  beforeAll(async () => {
    t = await createTestApp([QueueModule.forRoot(), UsersModule, OnboardingModule, ContentModule, ProgressModule]);
    await t.app.get(ContentSyncService).sync(SAMPLE_BOOK);
    totalLessons = (await t.app.get(ContentService).snapshot()).order.length;
  });
  afterAll(async () => {
    await t.close();
  });

  const call = (method: 'GET' | 'POST' | 'PUT', url: string, token: string, payload?: object) =>
    t.app.inject({ method, url, headers: bearer(token), ...(payload === undefined ? {} : { payload }) });
  const start = (token: string, slug: string, payload?: object) => call('POST', `/api/progress/lessons/${slug}/start`, token, payload);
  const complete = (token: string, slug: string) => call('POST', `/api/progress/lessons/${slug}/complete`, token);
  const time = (token: string, slug: string, payload: object) => call('PUT', `/api/progress/lessons/${slug}/time`, token, payload);
  const lesson = async (token: string, slug: string) =>
    (await call('GET', `/api/progress/lessons/${slug}`, token)).json<LessonProgressDto>();
  /** Moves a lesson's reading watermark (its last heartbeat, else its start) `seconds` into the past: that much reading time has passed. */
  const elapse = async (userId: string, slug: string, seconds: number, app: TestApp = t) => {
    await app.dataSource.query(
      `UPDATE lesson_progress SET heartbeat_at = COALESCE(heartbeat_at, started_at) - make_interval(secs => $3)
       WHERE user_id = $1 AND lesson_slug = $2`,
      [userId, slug, seconds],
    );
    // The lesson's heartbeat buffer in Redis (if it has one) holds the watermark the next heartbeat is credited from.
    await app.app.get(HeartbeatBuffer).backdate(userId, slug, seconds);
  };
  const summary = async (token: string) => {
    const res = await call('GET', '/api/progress', token);
    expect(res.statusCode).toBe(200);
    return res.json<ProgressSummaryDto>();
  };

  it('start → time ×3 → complete → summary', async () => {
    const learner = await createLearner(t.app);
    expect(await lesson(learner.token, 'how-robots-sense')).toEqual({
      lessonSlug: 'how-robots-sense',
      status: 'not_started',
      startedAt: null,
      completedAt: null,
      timeSpentSeconds: 0,
      lastSection: null,
    });

    const started = await start(learner.token, 'how-robots-sense');
    expect(started.statusCode).toBe(200);
    expect(started.json<LessonProgressDto>()).toMatchObject({ status: 'in_progress', timeSpentSeconds: 0, completedAt: null });

    for (const seconds of [30, 45, 60]) {
      await elapse(learner.id, 'how-robots-sense', seconds);
      const beat = await time(learner.token, 'how-robots-sense', { seconds });
      expect(beat.statusCode).toBe(200);
    }
    const done = await complete(learner.token, 'how-robots-sense');
    expect(done.statusCode).toBe(200);
    const body = done.json<LessonProgressDto>();
    expect(body).toMatchObject({ status: 'completed', timeSpentSeconds: 135, startedAt: started.json<LessonProgressDto>().startedAt });
    expect(Date.parse(body.completedAt ?? '')).toBeGreaterThanOrEqual(Date.parse(body.startedAt ?? ''));

    const s = await summary(learner.token);
    expect(s).toMatchObject({
      totalLessons,
      completedLessons: 1,
      inProgressLessons: 0,
      completionPercentage: Math.round((1 / totalLessons) * 1000) / 10,
      totalTimeSpentSeconds: 135,
      resume: null,
    });
    const part1 = s.parts.find((p) => p.number === 1);
    expect(part1).toMatchObject({ title: 'Physical AI Foundations', totalLessons: 12, completedLessons: 1, completionPercentage: 8.3 });
    expect(part1?.chapters.find((c) => c.number === 2)).toMatchObject({ totalLessons: 4, completedLessons: 1, completionPercentage: 25 });
    expect(s.parts.reduce((n, p) => n + p.totalLessons, 0)).toBe(totalLessons);
    expect(s.lessons).toEqual([{ lessonSlug: 'how-robots-sense', status: 'completed' }]);
  });

  it('keeps the first start, and resumes the most recently touched lesson at its section', async () => {
    const learner = await createLearner(t.app);
    const first = (await start(learner.token, 'digital-ai-vs-physical-ai')).json<LessonProgressDto>();
    await start(learner.token, 'the-embodiment-hypothesis', { section: 'a-body-shapes-the-mind' });
    const again = (await start(learner.token, 'digital-ai-vs-physical-ai')).json<LessonProgressDto>();
    expect(again.startedAt).toBe(first.startedAt);

    // Starting again touched it last: it is where to continue.
    expect((await summary(learner.token)).resume).toEqual({
      lessonSlug: 'digital-ai-vs-physical-ai',
      title: expect.any(String),
      section: null,
    });
    await time(learner.token, 'the-embodiment-hypothesis', { seconds: 10, section: 'why-it-matters' });
    const s = await summary(learner.token);
    expect(s.resume).toMatchObject({ lessonSlug: 'the-embodiment-hypothesis', section: 'why-it-matters' });
    expect(s.inProgressLessons).toBe(2);
    // A start without a section keeps the section recorded before.
    await start(learner.token, 'the-embodiment-hypothesis', {});
    expect((await lesson(learner.token, 'the-embodiment-hypothesis')).lastSection).toBe('why-it-matters');
  });

  it('credits 100 concurrent heartbeats of an hour with at most the time that passed (plus the allowance), in one row', async () => {
    const learner = await createLearner(t.app);
    const startedAt = Date.now();
    await start(learner.token, 'actuators-and-movement');
    const answers = await Promise.all(Array.from({ length: 100 }, () => time(learner.token, 'actuators-and-movement', { seconds: 3600 })));
    const elapsedSeconds = (Date.now() - startedAt) / 1000;
    expect(answers.map((a) => a.statusCode)).toEqual(Array.from({ length: 100 }, () => 200));
    const credited = (await lesson(learner.token, 'actuators-and-movement')).timeSpentSeconds;
    expect(credited).toBeLessThanOrEqual(Math.ceil(elapsedSeconds) + HEARTBEAT_ALLOWANCE_SECONDS);
    expect(credited).toBeGreaterThan(0);
    const rows = await t.dataSource.query('SELECT count(*)::int AS n FROM lesson_progress WHERE user_id = $1', [learner.id]);
    expect(rows[0].n).toBe(1);
  });

  it('credits time that really passed, and ignores a replayed heartbeat', async () => {
    const learner = await createLearner(t.app);
    await start(learner.token, 'the-humanoid-body-plan');
    await elapse(learner.id, 'the-humanoid-body-plan', 100);
    expect((await time(learner.token, 'the-humanoid-body-plan', { seconds: 30 })).json<LessonProgressDto>().timeSpentSeconds).toBe(30);
    // The same heartbeat again at once claims the same 30 s: nothing more (at most the allowance).
    const replayed = (await time(learner.token, 'the-humanoid-body-plan', { seconds: 30 })).json<LessonProgressDto>().timeSpentSeconds;
    expect(replayed).toBeLessThanOrEqual(30 + HEARTBEAT_ALLOWANCE_SECONDS);
    await elapse(learner.id, 'the-humanoid-body-plan', 60);
    const after = (await time(learner.token, 'the-humanoid-body-plan', { seconds: 30 })).json<LessonProgressDto>().timeSpentSeconds;
    expect(after).toBe(replayed + 30);
  });

  it('makes completing twice a no-op, and completing a lesson never started starts it too', async () => {
    const learner = await createLearner(t.app);
    const first = (await complete(learner.token, 'why-humanoid-form')).json<LessonProgressDto>();
    expect(first.status).toBe('completed');
    expect(first.startedAt).toBe(first.completedAt);
    const second = await complete(learner.token, 'why-humanoid-form');
    expect(second.statusCode).toBe(200);
    expect(second.json<LessonProgressDto>()).toEqual(first);
    // Starting or reading a completed lesson again does not un-complete it.
    await start(learner.token, 'why-humanoid-form');
    await elapse(learner.id, 'why-humanoid-form', 12);
    await time(learner.token, 'why-humanoid-form', { seconds: 12 });
    expect(await lesson(learner.token, 'why-humanoid-form')).toMatchObject({
      status: 'completed',
      completedAt: first.completedAt,
      timeSpentSeconds: 12,
    });
    // Concurrent completes agree on one completedAt.
    const many = await Promise.all(Array.from({ length: 5 }, () => complete(learner.token, 'current-platforms')));
    expect(new Set(many.map((r) => r.json<LessonProgressDto>().completedAt)).size).toBe(1);
  });

  it("keeps learners apart: B sees nothing of A's progress", async () => {
    const a = await createLearner(t.app);
    const b = await createLearner(t.app);
    await start(a.token, 'real-world-constraints', { section: 'intro' });
    await elapse(a.id, 'real-world-constraints', 300);
    await time(a.token, 'real-world-constraints', { seconds: 300 });
    await complete(a.token, 'digital-ai-vs-physical-ai');

    expect(await lesson(b.token, 'real-world-constraints')).toMatchObject({ status: 'not_started', timeSpentSeconds: 0 });
    expect(await summary(b.token)).toMatchObject({
      completedLessons: 0,
      inProgressLessons: 0,
      totalTimeSpentSeconds: 0,
      resume: null,
      lessons: [],
    });
    // B's own writes do not touch A's row.
    await time(b.token, 'real-world-constraints', { seconds: 5 });
    expect((await lesson(a.token, 'real-world-constraints')).timeSpentSeconds).toBe(300);
    expect((await lesson(b.token, 'real-world-constraints')).timeSpentSeconds).toBe(5);
  });

  it('answers 404 for an unknown lesson, and stores nothing', async () => {
    const learner = await createLearner(t.app);
    for (const res of [
      await call('GET', '/api/progress/lessons/no-such-lesson', learner.token),
      await start(learner.token, 'no-such-lesson'),
      await complete(learner.token, 'no-such-lesson'),
      await time(learner.token, 'no-such-lesson', { seconds: 5 }),
    ]) {
      expect(res.statusCode).toBe(404);
      expect(res.json<ApiErrorBody>()).toMatchObject({ statusCode: 404, code: 'lesson_not_found' });
    }
    const rows = await t.dataSource.query('SELECT count(*)::int AS n FROM lesson_progress WHERE user_id = $1', [learner.id]);
    expect(rows[0].n).toBe(0);
  });

  it.each<[string, object, string]>([
    ['no seconds', {}, 'seconds'],
    ['zero seconds', { seconds: 0 }, 'seconds'],
    ['over an hour', { seconds: 3601 }, 'seconds'],
    ['a fraction', { seconds: 2.5 }, 'seconds'],
    ['seconds as text', { seconds: '5' }, 'seconds'],
    ['a section that is not an anchor', { seconds: 5, section: '<script>' }, 'section'],
    ['an unknown field', { seconds: 5, userId: 'someone-else' }, 'userId'],
  ])('rejects a heartbeat with %s: 400 naming the field', async (_case, payload, field) => {
    const learner = await createLearner(t.app);
    const res = await time(learner.token, 'how-robots-sense', payload);
    expect(res.statusCode).toBe(400);
    const body = res.json<ApiErrorBody>();
    expect(body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
    expect(body.details?.map((d) => d.field)).toEqual([field]);
    expect((await lesson(learner.token, 'how-robots-sense')).status).toBe('not_started');
  });

  it('takes start and complete with an empty body, and rejects unknown fields on start', async () => {
    const learner = await createLearner(t.app);
    expect((await start(learner.token, 'how-robots-sense')).statusCode).toBe(200);
    expect((await start(learner.token, 'how-robots-sense', {})).statusCode).toBe(200);
    expect((await complete(learner.token, 'how-robots-sense')).statusCode).toBe(200);
    const bad = await start(learner.token, 'actuators-and-movement', { status: 'completed' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json<ApiErrorBody>().details?.map((d) => d.field)).toEqual(['status']);
  });

  it('answers 401 without a token or with a forged one', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/api/progress' })).statusCode).toBe(401);
    expect((await t.app.inject({ method: 'POST', url: '/api/progress/lessons/how-robots-sense/start' })).statusCode).toBe(401);
    const learner = await createLearner(t.app);
    const [prefix, payload] = learner.token.split('.');
    const forged = await time(`${prefix}.${payload}.AAAA`, 'how-robots-sense', { seconds: 5 });
    expect(forged.statusCode).toBe(401);
    expect((await lesson(learner.token, 'how-robots-sense')).status).toBe('not_started');
  });

  it("drops a lesson's progress with the lesson when a sync removes it, so the summary never counts it", async () => {
    const learner = await createLearner(t.app);
    await complete(learner.token, 'lab-try-with-ai');
    expect((await summary(learner.token)).completedLessons).toBe(1);
    // What a sync does for a lesson no longer in the book (inside its transaction).
    await t.dataSource
      .transaction(async (manager) => {
        await manager.query('DELETE FROM lessons WHERE slug = $1', ['lab-try-with-ai']);
        const left = await manager.query('SELECT count(*)::int AS n FROM lesson_progress WHERE user_id = $1', [learner.id]);
        expect(left[0].n).toBe(0);
        throw new Error('rollback');
      })
      .catch((e: Error) => expect(e.message).toBe('rollback'));
    expect((await summary(learner.token)).completedLessons).toBe(1);
  });

  describe('heartbeats buffered in Redis, flushed in batches', () => {
    const rowTime = async (userId: string, slug: string): Promise<number> =>
      Number((await t.dataSource.query('SELECT time_spent_seconds FROM lesson_progress WHERE user_id = $1 AND lesson_slug = $2', [userId, slug]))[0].time_spent_seconds);

    /** Resolves at the next flush that wrote rows in `app`; a generous deadline for a loaded machine. */
    const nextFlush = (app: TestApp): Promise<void> =>
      new Promise((done, fail) => {
        const timer = setTimeout(() => fail(new Error('no flush within 30 s')), 30_000);
        app.app.get(HeartbeatBuffer).once('flushed', () => {
          clearTimeout(timer);
          done();
        });
      });

    it('a heartbeat takes no row lock: it is answered while another transaction holds the row', async () => {
      const learner = await createLearner(t.app);
      const slug = 'how-robots-sense';
      await start(learner.token, slug);
      await time(learner.token, slug, { seconds: 5 }); // the first one writes the row and creates the buffer
      await elapse(learner.id, slug, 20);
      const runner = t.dataSource.createQueryRunner();
      await runner.connect();
      try {
        await runner.query('BEGIN');
        await runner.query('SELECT 1 FROM lesson_progress WHERE user_id = $1 AND lesson_slug = $2 FOR UPDATE', [learner.id, slug]);
        const res = await time(learner.token, slug, { seconds: 20 });
        expect(res.statusCode).toBe(200);
        expect(res.json<LessonProgressDto>().timeSpentSeconds).toBeGreaterThanOrEqual(20);
      } finally {
        await runner.query('ROLLBACK');
        await runner.release();
      }
    });

    it('no acknowledged heartbeat is lost when the api stops before flushing: another instance flushes it, reads include it meanwhile', async () => {
      const learner = await createLearner(t.app);
      const slug = 'what-makes-a-digital-twin';
      // This instance (B) does not flush until A is gone, so what reaches the rows is known.
      const bufferB = t.app.get(HeartbeatBuffer);
      bufferB.stop();
      // Instance A takes the heartbeats and then stops without its final flush (as a killed process would).
      const a = await createTestApp([QueueModule.forRoot(), UsersModule, OnboardingModule, ContentModule, ProgressModule]);
      const bufferA = a.app.get(HeartbeatBuffer);
      bufferA.stop();
      const beat = (seconds: number) =>
        a.app.inject({ method: 'PUT', url: `/api/progress/lessons/${slug}/time`, headers: bearer(learner.token), payload: { seconds } });
      expect((await a.app.inject({ method: 'POST', url: `/api/progress/lessons/${slug}/start`, headers: bearer(learner.token) })).statusCode).toBe(200);
      let acknowledged = 0;
      for (let i = 0; i < 10; i += 1) {
        await elapse(learner.id, slug, 7, a);
        const res = await beat(7);
        expect(res.statusCode).toBe(200);
        acknowledged += 7;
        expect(res.json<LessonProgressDto>().timeSpentSeconds).toBe(acknowledged);
      }
      jest.spyOn(bufferA, 'flushOnce').mockResolvedValue(0);
      await a.close();
      // Nine of the ten are only in Redis (the first one wrote the row).
      expect(await rowTime(learner.id, slug)).toBe(7);

      // Reads on another instance already include them.
      expect((await lesson(learner.token, slug)).timeSpentSeconds).toBe(acknowledged);
      // Instance B flushes them (A's dirty set is in Redis, shared by every instance).
      const pending = await bufferB.pending(learner.id);
      const flushed = nextFlush(t);
      bufferB.start();
      await flushed;
      expect(await rowTime(learner.id, slug)).toBe(acknowledged);
      // A flush that wrote the rows but died before acknowledging is done again: each buffer's credit counts once.
      const rows = [...pending].map(([lessonSlug, e]) => ({ user_id: learner.id, lesson_slug: lessonSlug, epoch: e.epoch, credit: e.credit, wm: e.wm, at: e.at, section: e.section }));
      await t.dataSource.query(FLUSH_SQL, [JSON.stringify(rows)]);
      await bufferB.flush();
      expect(await rowTime(learner.id, slug)).toBe(acknowledged);
      expect((await lesson(learner.token, slug)).timeSpentSeconds).toBe(acknowledged);
    });

    it('the running instance flushes buffered heartbeats into the rows by itself', async () => {
      const learner = await createLearner(t.app);
      const slug = 'the-humanoid-body-plan';
      await start(learner.token, slug);
      await elapse(learner.id, slug, 30);
      await time(learner.token, slug, { seconds: 30 });
      await elapse(learner.id, slug, 30);
      const flushed = nextFlush(t);
      const res = await time(learner.token, slug, { seconds: 30, section: 'joints' });
      expect(res.json<LessonProgressDto>().timeSpentSeconds).toBe(60);
      await flushed;
      const [row] = await t.dataSource.query('SELECT time_spent_seconds, last_section FROM lesson_progress WHERE user_id = $1 AND lesson_slug = $2', [
        learner.id,
        slug,
      ]);
      expect(row).toEqual({ time_spent_seconds: 60, last_section: 'joints' });
    });
  });
});
