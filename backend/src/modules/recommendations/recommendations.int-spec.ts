import type { ApiErrorBody, RecommendationsResponse } from '@lectern/api-types';
import { ContentModule, ContentSyncService } from '@lectern/content';
import { QueueModule } from '@lectern/infra';
import { OnboardingModule } from '@lectern/onboarding';
import { ProgressModule } from '@lectern/progress';
import { bearer, createLearner, createTestApp, type TestApp } from '@lectern/testing';
import { UsersModule } from '@lectern/users';
import { resolve } from 'node:path';
import { RecommendationsModule } from './recommendations.module';

const SAMPLE_BOOK = resolve(__dirname, '../../../../content');

describe('recommendations (real PostgreSQL, the sample book)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp([QueueModule.forRoot(), UsersModule, OnboardingModule, ContentModule, ProgressModule, RecommendationsModule]);
    await t.app.get(ContentSyncService).sync(SAMPLE_BOOK);
  });
  afterAll(async () => {
    await t.close();
  });

  const recommendations = async (token: string, query = '') => {
    const res = await t.app.inject({ method: 'GET', url: `/api/progress/recommendations${query}`, headers: bearer(token) });
    expect(res.statusCode).toBe(200);
    return res.json<RecommendationsResponse>();
  };
  const complete = async (token: string, slug: string) => {
    const res = await t.app.inject({ method: 'POST', url: `/api/progress/lessons/${slug}/complete`, headers: bearer(token) });
    expect(res.statusCode).toBe(200);
  };
  const slugs = (r: RecommendationsResponse) => r.recommendations.map((x) => x.lesson.slug);

  it('starts a new beginner at the beginning of the book, with reasons', async () => {
    const learner = await createLearner(t.app, {
      programmingExperience: 'none',
      roboticsBackground: false,
      learningGoals: ['building_projects'],
    });
    const body = await recommendations(learner.token);
    expect(body.recommendations.length).toBeGreaterThan(0);
    expect(body.recommendations.length).toBeLessThanOrEqual(5);
    expect(body.total).toBeGreaterThanOrEqual(body.recommendations.length);
    const [first] = body.recommendations;
    expect(first).toMatchObject({
      lesson: {
        slug: 'digital-ai-vs-physical-ai',
        layer: 'L1',
        type: 'lesson',
        estimatedMinutes: expect.any(Number),
        title: expect.any(String),
      },
      chapterTitle: 'What Is Physical AI? The Rise of Embodied Intelligence',
      partTitle: 'Physical AI Foundations',
      score: expect.any(Number),
    });
    expect(first.reasons).toEqual([
      'Start here: Chapter 1: What Is Physical AI? The Rise of Embodied Intelligence',
      'Matches your goal: building projects',
    ]);
    for (const r of body.recommendations) {
      expect(r.reasons.length).toBeGreaterThan(0);
      expect(r.chapterTitle).toBe('What Is Physical AI? The Rise of Embodied Intelligence');
    }
  });

  it('works before onboarding too', async () => {
    const learner = await createLearner(t.app);
    expect(slugs(await recommendations(learner.token))[0]).toBe('digital-ai-vs-physical-ai');
  });

  it('moves on after a few lessons: never a completed one, and a lesson out of sequence says why', async () => {
    const learner = await createLearner(t.app, { learningGoals: ['building_projects'] });
    const before = await recommendations(learner.token, '?limit=20');
    expect(slugs(before)).not.toContain('how-robots-sense'); // chapter 2 needs chapter 1 first
    for (const slug of ['digital-ai-vs-physical-ai', 'the-embodiment-hypothesis', 'real-world-constraints'])
      await complete(learner.token, slug);

    const after = await recommendations(learner.token, '?limit=20');
    for (const done of ['digital-ai-vs-physical-ai', 'the-embodiment-hypothesis', 'real-world-constraints'])
      expect(slugs(after)).not.toContain(done);
    expect(after.recommendations[0]).toMatchObject({ lesson: { slug: 'lab-try-with-ai' } });
    expect(after.recommendations[0].reasons[0]).toBe('Next in Chapter 1: What Is Physical AI? The Rise of Embodied Intelligence');
    const sensing = after.recommendations.find((r) => r.lesson.slug === 'how-robots-sense');
    expect(sensing?.reasons[0]).toBe('Coming up in Chapter 2: Sensors, Actuators & the Humanoid Body Plan');
    const bodyPlan = after.recommendations.find((r) => r.lesson.slug === 'the-humanoid-body-plan');
    expect(bodyPlan?.reasons).toContain('Needed before “Describing a Humanoid in URDF”');
  });

  it('puts the lesson in progress first', async () => {
    const learner = await createLearner(t.app, {});
    await t.app.inject({ method: 'POST', url: '/api/progress/lessons/the-embodiment-hypothesis/start', headers: bearer(learner.token) });
    const [first] = (await recommendations(learner.token)).recommendations;
    expect(first.lesson.slug).toBe('the-embodiment-hypothesis');
    expect(first.reasons[0]).toBe('Continue where you left off');
  });

  it('keeps a lesson opened out of order, and says what it builds on', async () => {
    const learner = await createLearner(t.app, {});
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/progress/lessons/connecting-an-ai-agent-to-ros2/start',
      headers: bearer(learner.token),
    });
    expect(res.statusCode).toBe(200);
    const [first, second] = (await recommendations(learner.token)).recommendations;
    expect(first.lesson.slug).toBe('connecting-an-ai-agent-to-ros2');
    expect(first.reasons[1]).toMatch(/^Builds on “.+”, which you have not read yet$/);
    expect(second.lesson.slug).toBe('digital-ai-vs-physical-ai');
  });

  it("answers in the learner's language: an Urdu learner's reasons are in Urdu", async () => {
    const learner = await createLearner(t.app, { preferredLanguage: 'ur', learningGoals: ['building_projects'] });
    const body = await recommendations(learner.token);
    expect(body.recommendations[0].reasons).toEqual([
      'یہاں سے شروع کریں، باب 1: What Is Physical AI? The Rise of Embodied Intelligence',
      'آپ کے مقصد سے مطابقت: پروجیکٹ بنانا',
    ]);
    for (const r of body.recommendations) for (const reason of r.reasons) expect(reason).toMatch(/[\u0600-\u06FF]/);
  });

  it('honours limit and answers 400 outside 1..20', async () => {
    const learner = await createLearner(t.app, {});
    expect((await recommendations(learner.token, '?limit=1')).recommendations).toHaveLength(1);
    for (const bad of ['0', '21', 'abc', '2.5', '-1']) {
      const res = await t.app.inject({ method: 'GET', url: `/api/progress/recommendations?limit=${bad}`, headers: bearer(learner.token) });
      expect(res.statusCode).toBe(400);
      expect(res.json<ApiErrorBody>().details?.map((d) => d.field)).toEqual(['limit']);
    }
    const unknown = await t.app.inject({ method: 'GET', url: '/api/progress/recommendations?userId=x', headers: bearer(learner.token) });
    expect(unknown.statusCode).toBe(400);
  });

  it("keeps learners apart: one learner's progress does not move another's recommendations", async () => {
    const a = await createLearner(t.app, {});
    const b = await createLearner(t.app, {});
    const fresh = await recommendations(b.token);
    await complete(a.token, 'digital-ai-vs-physical-ai');
    expect(await recommendations(b.token)).toEqual(fresh);
    expect(slugs(await recommendations(a.token))).not.toContain('digital-ai-vs-physical-ai');
  });

  it('answers 401 without a token', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/api/progress/recommendations' })).statusCode).toBe(401);
  });
});
