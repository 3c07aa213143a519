import type { ApiErrorBody, OnboardingResponse, PreferencesDto, Question } from '@lectern/api-types';
import { bearer, createLearner, createTestApp, SAMPLE_ANSWERS, type TestApp } from '@lectern/testing';
import { UsersModule } from '@lectern/users';
import { OnboardingModule } from './onboarding.module';

describe('onboarding and preferences (real PostgreSQL)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp([UsersModule, OnboardingModule]);
  });
  afterAll(async () => {
    await t.close();
  });

  const post = (token: string, payload: unknown) =>
    t.app.inject({ method: 'POST', url: '/api/onboarding', headers: bearer(token), payload: payload as object });
  const storedRows = async (userId: string): Promise<number> =>
    Number((await t.dataSource.query('SELECT count(*)::int AS n FROM learner_preferences WHERE user_id = $1', [userId]))[0].n);

  it('serves the six questions in order, with exact option values', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/onboarding/questions' });
    expect(res.statusCode).toBe(200);
    const questions = res.json<Question[]>();
    expect(questions.map((q) => q.id)).toEqual([
      'educationLevel',
      'programmingExperience',
      'roboticsBackground',
      'aiMlExperience',
      'learningGoals',
      'preferredLanguage',
    ]);
    expect(questions.find((q) => q.id === 'roboticsBackground')?.options.map((o) => o.value)).toEqual([true, false]);
    expect(questions.find((q) => q.id === 'learningGoals')?.kind).toBe('multi');
  });

  it('stores valid answers, marks the learner onboarded and returns a stable hash', async () => {
    const learner = await createLearner(t.app);
    const res = await post(learner.token, SAMPLE_ANSWERS);
    expect(res.statusCode).toBe(201);
    const body = res.json<OnboardingResponse>();
    expect(body.onboardingCompleted).toBe(true);
    expect(body.preferences).toMatchObject({ ...SAMPLE_ANSWERS, learningGoals: ['building_projects', 'hobby'], questionnaireVersion: 1 });
    expect(body.preferences.preferencesHash).toMatch(/^[0-9a-f]{64}$/);

    const user = await t.app.inject({ method: 'GET', url: `/api/user/${learner.id}`, headers: bearer(learner.token) });
    expect(user.json()).toMatchObject({ id: learner.id, onboardingCompleted: true });

    const stored = await t.app.inject({ method: 'GET', url: '/api/user/preferences', headers: bearer(learner.token) });
    expect(stored.statusCode).toBe(200);
    expect(stored.json<PreferencesDto>().preferencesHash).toBe(body.preferences.preferencesHash);
  });

  it('gives the same hash for the same answers in another key and goal order', async () => {
    const a = await createLearner(t.app);
    const b = await createLearner(t.app);
    const first = (await post(a.token, SAMPLE_ANSWERS)).json<OnboardingResponse>();
    const reordered = {
      preferredLanguage: 'en',
      learningGoals: ['hobby', 'building_projects'],
      aiMlExperience: 'basic',
      roboticsBackground: false,
      programmingExperience: 'beginner',
      educationLevel: 'undergraduate',
    };
    const second = (await post(b.token, reordered)).json<OnboardingResponse>();
    expect(second.preferences.preferencesHash).toBe(first.preferences.preferencesHash);
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['a missing answer', { educationLevel: undefined }, 'educationLevel'],
    ['an unknown option', { aiMlExperience: 'expert' }, 'aiMlExperience'],
    [
      'too many choices',
      { learningGoals: ['hobby', 'research', 'teaching', 'career_change', 'building_projects', 'research'] },
      'learningGoals',
    ],
    ['no goal at all', { learningGoals: [] }, 'learningGoals'],
    ['a wrong type', { roboticsBackground: 'no' }, 'roboticsBackground'],
    ['an extra field', { age: 42 }, 'age'],
  ])('rejects %s with 400 naming the field, and stores nothing', async (_case, change, field) => {
    const learner = await createLearner(t.app);
    const res = await post(learner.token, { ...SAMPLE_ANSWERS, ...change });
    expect(res.statusCode).toBe(400);
    const body = res.json<ApiErrorBody>();
    expect(body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
    expect(body.details?.map((d) => d.field)).toEqual([field]);
    expect(body.message).toContain(field);
    expect(await storedRows(learner.id)).toBe(0);
    const user = await t.app.inject({ method: 'GET', url: `/api/user/${learner.id}`, headers: bearer(learner.token) });
    expect(user.json()).toMatchObject({ onboardingCompleted: false });
  });

  it('rejects a body that is not an object', async () => {
    const learner = await createLearner(t.app);
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/onboarding',
      headers: { ...bearer(learner.token), 'content-type': 'application/json' },
      payload: '{"educationLevel": ',
    });
    expect(res.statusCode).toBe(400);
    expect(res.json<ApiErrorBody>()).toMatchObject({ statusCode: 400, error: 'Bad Request' });
  });

  it('replaces the answers when onboarding again (idempotent)', async () => {
    const learner = await createLearner(t.app);
    const first = (await post(learner.token, SAMPLE_ANSWERS)).json<OnboardingResponse>();
    const again = (await post(learner.token, SAMPLE_ANSWERS)).json<OnboardingResponse>();
    expect(again.preferences.preferencesHash).toBe(first.preferences.preferencesHash);
    const changed = (await post(learner.token, { ...SAMPLE_ANSWERS, preferredLanguage: 'ur' })).json<OnboardingResponse>();
    expect(changed.preferences.preferredLanguage).toBe('ur');
    expect(changed.preferences.preferencesHash).not.toBe(first.preferences.preferencesHash);
    expect(await storedRows(learner.id)).toBe(1);
  });

  it('answers 404 for preferences before onboarding', async () => {
    const learner = await createLearner(t.app);
    const res = await t.app.inject({ method: 'GET', url: '/api/user/preferences', headers: bearer(learner.token) });
    expect(res.statusCode).toBe(404);
    expect(res.json<ApiErrorBody>().message).toMatch(/onboarding/);
  });

  it('changes one answer with PUT and gives a new hash; other answers are kept', async () => {
    const learner = await createLearner(t.app, {});
    const before = (
      await t.app.inject({ method: 'GET', url: '/api/user/preferences', headers: bearer(learner.token) })
    ).json<PreferencesDto>();
    const res = await t.app.inject({
      method: 'PUT',
      url: '/api/user/preferences',
      headers: bearer(learner.token),
      payload: { programmingExperience: 'advanced' },
    });
    expect(res.statusCode).toBe(200);
    const after = res.json<PreferencesDto>();
    expect(after).toMatchObject({ ...SAMPLE_ANSWERS, programmingExperience: 'advanced' });
    expect(after.preferencesHash).not.toBe(before.preferencesHash);
    const reread = (
      await t.app.inject({ method: 'GET', url: '/api/user/preferences', headers: bearer(learner.token) })
    ).json<PreferencesDto>();
    expect(reread.preferencesHash).toBe(after.preferencesHash);
  });

  it('rejects a bad PUT with field details and keeps the stored answers', async () => {
    const learner = await createLearner(t.app, {});
    const before = (
      await t.app.inject({ method: 'GET', url: '/api/user/preferences', headers: bearer(learner.token) })
    ).json<PreferencesDto>();
    const res = await t.app.inject({
      method: 'PUT',
      url: '/api/user/preferences',
      headers: bearer(learner.token),
      payload: { educationLevel: 'phd' },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json<ApiErrorBody>().details).toEqual([{ field: 'educationLevel', message: expect.stringContaining('must be one of') }]);
    const after = (
      await t.app.inject({ method: 'GET', url: '/api/user/preferences', headers: bearer(learner.token) })
    ).json<PreferencesDto>();
    expect(after).toEqual(before);
  });

  it('keeps the language when a PUT changes something else', async () => {
    const learner = await createLearner(t.app, { preferredLanguage: 'ur' });
    const res = await t.app.inject({
      method: 'PUT',
      url: '/api/user/preferences',
      headers: bearer(learner.token),
      payload: { aiMlExperience: 'advanced' },
    });
    expect(res.json<PreferencesDto>()).toMatchObject({ preferredLanguage: 'ur', aiMlExperience: 'advanced' });
  });

  it('defaults the language to English when onboarding leaves it out', async () => {
    const learner = await createLearner(t.app);
    const { preferredLanguage: _omitted, ...rest } = SAMPLE_ANSWERS;
    const res = await post(learner.token, rest);
    expect(res.statusCode).toBe(201);
    expect(res.json<OnboardingResponse>().preferences.preferredLanguage).toBe('en');
  });

  it('keeps every change of concurrent partial PUTs (read, merge and write in one transaction)', async () => {
    const learner = await createLearner(t.app);
    expect((await post(learner.token, SAMPLE_ANSWERS)).statusCode).toBe(201);
    const changes = [
      { educationLevel: 'graduate' },
      { programmingExperience: 'advanced' },
      { roboticsBackground: true },
      { aiMlExperience: 'intermediate' },
      { learningGoals: ['research'] },
      { preferredLanguage: 'ur' },
    ];
    const answers = await Promise.all(
      changes.map((payload) => t.app.inject({ method: 'PUT', url: '/api/user/preferences', headers: bearer(learner.token), payload })),
    );
    expect(answers.map((a) => a.statusCode)).toEqual(changes.map(() => 200));
    const stored = (
      await t.app.inject({ method: 'GET', url: '/api/user/preferences', headers: bearer(learner.token) })
    ).json<PreferencesDto>();
    expect(stored).toMatchObject(Object.assign({}, ...changes));
  });

  it('rejects an empty PUT', async () => {
    const learner = await createLearner(t.app, {});
    const res = await t.app.inject({ method: 'PUT', url: '/api/user/preferences', headers: bearer(learner.token), payload: {} });
    expect(res.statusCode).toBe(400);
  });

  it('names the missing answers when a partial PUT comes before onboarding', async () => {
    const learner = await createLearner(t.app);
    const res = await t.app.inject({
      method: 'PUT',
      url: '/api/user/preferences',
      headers: bearer(learner.token),
      payload: { educationLevel: 'graduate' },
    });
    expect(res.statusCode).toBe(400);
    expect(
      res
        .json<ApiErrorBody>()
        .details?.map((d) => d.field)
        .sort(),
    ).toEqual(['aiMlExperience', 'learningGoals', 'programmingExperience', 'roboticsBackground']);
  });

  it("acts only on the token's learner: no token 401, forged token 401", async () => {
    const noToken = await t.app.inject({ method: 'GET', url: '/api/user/preferences' });
    expect(noToken.statusCode).toBe(401);
    const learner = await createLearner(t.app);
    const [prefix, payload] = learner.token.split('.');
    const forged = await t.app.inject({
      method: 'POST',
      url: '/api/onboarding',
      headers: bearer(`${prefix}.${payload}.AAAA`),
      payload: SAMPLE_ANSWERS,
    });
    expect(forged.statusCode).toBe(401);
    expect(await storedRows(learner.id)).toBe(0);
  });
});
