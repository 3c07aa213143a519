import type { ApiErrorBody, AuthResponse, LessonProgressDto, PreferencesDto, SessionDto, UserExportDto } from '@lectern/api-types';
import { ContentService, ContentSyncService } from '@lectern/content';
import { bearer, createLearner, createTestApp, SAMPLE_ANSWERS, startTestSmtp, type TestApp, type TestSmtp } from '@lectern/testing';
import { HeartbeatBuffer } from '@lectern/progress';
import { AccountsService, SessionService } from '@lectern/users';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { AppModule } from '../src/app.module';

const SAMPLE_BOOK = resolve(__dirname, '../../content');
const PASSWORD = 'violet-otter-lantern';

describe('accounts: sign-up, sign-in, sessions, reset, export, delete (real PostgreSQL, Redis, SMTP)', () => {
  let a: TestApp;
  let b: TestApp;
  let smtp: TestSmtp;
  let slugs: string[];
  let emails = 0;
  const freshEmail = () => `learner${++emails}-${Date.now()}@example.com`;

  beforeAll(async () => {
    smtp = await startTestSmtp();
    const env = { SMTP_URL: smtp.url, PUBLIC_URL: 'http://lectern.test', AUTH_REQUESTS_PER_IP: '100000' };
    // Two api instances on one database and one Redis, as behind a load balancer.
    a = await createTestApp((config) => AppModule.forRoot(config), env);
    b = await createTestApp((config) => AppModule.forRoot(config), env);
    await a.app.get(ContentSyncService).sync(SAMPLE_BOOK);
    slugs = (await a.app.get(ContentService).snapshot()).order.map((l) => l.slug);
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
    await smtp?.close();
  });

  type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';
  const call = (t: TestApp, method: Method, url: string, token?: string, payload?: object) =>
    t.app.inject({ method, url, headers: token ? bearer(token) : {}, ...(payload === undefined ? {} : { payload }) });
  /**
   * `seconds` of reading on a lesson: heartbeats are credited only for time that has passed since the
   * lesson's last one (or its start), so the test moves that watermark back instead of waiting.
   */
  const read = async (t: TestApp, token: string, userId: string, slug: string, seconds: number) => {
    await call(t, 'POST', `/api/progress/lessons/${slug}/start`, token);
    await t.dataSource.query(
      `UPDATE lesson_progress SET heartbeat_at = COALESCE(heartbeat_at, started_at) - make_interval(secs => $3)
       WHERE user_id = $1 AND lesson_slug = $2`,
      [userId, slug, seconds],
    );
    // Once the lesson has a heartbeat buffer in Redis, the watermark is there.
    await t.app.get(HeartbeatBuffer).backdate(userId, slug, seconds);
    return call(t, 'PUT', `/api/progress/lessons/${slug}/time`, token, { seconds });
  };
  const signUp = (body: object, token?: string, t = a) => call(t, 'POST', '/api/auth/sign-up', token, body);
  const signIn = (body: object, token?: string, t = a) => call(t, 'POST', '/api/auth/sign-in', token, body);
  const progressOf = async (token: string, slug: string) =>
    (await call(a, 'GET', `/api/progress/lessons/${slug}`, token)).json<LessonProgressDto>();
  const sessionOf = (token: string, t = a) => call(t, 'GET', '/api/auth/session', token);

  it('anonymous → onboard → progress → sign up: the same learner, with everything kept', async () => {
    const anon = await createLearner(a.app, { preferredLanguage: 'ur' });
    expect((await call(a, 'POST', `/api/progress/lessons/${slugs[0]}/complete`, anon.token)).statusCode).toBe(200);
    expect((await read(a, anon.token, anon.id, slugs[1], 120)).statusCode).toBe(200);

    const email = freshEmail();
    const res = await signUp({ email, password: PASSWORD, name: 'Ada' }, anon.token);
    expect(res.statusCode).toBe(201);
    const { user, token } = res.json<AuthResponse>();
    expect(user).toEqual({ id: anon.id, email, name: 'Ada', onboardingCompleted: true });
    expect(token).not.toBe(anon.token);

    expect((await progressOf(token, slugs[0])).status).toBe('completed');
    expect((await progressOf(token, slugs[1])).timeSpentSeconds).toBe(120);
    expect((await call(a, 'GET', '/api/user/preferences', token)).json<PreferencesDto>().preferredLanguage).toBe('ur');
    // The anonymous token was a way into this learner; it no longer is.
    expect((await call(a, 'GET', `/api/user/${anon.id}`, anon.token)).statusCode).toBe(401);
    const session = await sessionOf(token);
    expect(session.statusCode).toBe(200);
    expect(session.json<SessionDto>()).toEqual({ user, expiresAt: expect.any(String) });
  });

  it('second device: anonymous progress → sign in → merged by the rules, the anonymous learner removed', async () => {
    const email = freshEmail();
    const account = (await signUp({ email, password: PASSWORD })).json<AuthResponse>();
    await call(a, 'POST', '/api/onboarding', account.token, { ...SAMPLE_ANSWERS, preferredLanguage: 'en' });
    // The account: slug0 in progress for 300 s, slug1 completed with 50 s.
    await read(a, account.token, account.user.id, slugs[0], 300);
    await read(a, account.token, account.user.id, slugs[1], 50);
    await call(a, 'POST', `/api/progress/lessons/${slugs[1]}/complete`, account.token);

    // The phone, anonymous: slug0 completed with 100 s, slug1 in progress with 900 s, slug2 only here; other answers.
    const phone = await createLearner(a.app, { preferredLanguage: 'ur' });
    await read(a, phone.token, phone.id, slugs[0], 100);
    await call(a, 'POST', `/api/progress/lessons/${slugs[0]}/complete`, phone.token);
    await read(a, phone.token, phone.id, slugs[1], 900);
    await read(a, phone.token, phone.id, slugs[2], 42);
    const thread = await call(a, 'POST', '/api/tutor/threads', phone.token, { lessonSlug: slugs[0] });
    expect(thread.statusCode).toBe(201);
    const threadId = thread.json<{ id: string }>().id;

    const res = await signIn({ email: email.toUpperCase(), password: PASSWORD }, phone.token);
    expect(res.statusCode).toBe(200);
    const { user, token } = res.json<AuthResponse>();
    expect(user.id).toBe(account.user.id);

    expect(await progressOf(token, slugs[0])).toMatchObject({ status: 'completed', timeSpentSeconds: 300 });
    expect(await progressOf(token, slugs[1])).toMatchObject({ status: 'completed', timeSpentSeconds: 900 });
    expect(await progressOf(token, slugs[2])).toMatchObject({ status: 'in_progress', timeSpentSeconds: 42 });
    // The account's answers win.
    expect((await call(a, 'GET', '/api/user/preferences', token)).json<PreferencesDto>().preferredLanguage).toBe('en');
    // The anonymous learner is gone, with its rows; its token answers 401.
    const [{ count }] = (await a.dataSource.query('SELECT count(*)::int AS count FROM users WHERE id = $1', [phone.id])) as Array<{
      count: number;
    }>;
    expect(count).toBe(0);
    expect((await call(a, 'GET', '/api/progress', phone.token)).statusCode).toBe(401);
    // The phone's tutor thread moved over to the account.
    const threads = (await call(a, 'GET', '/api/tutor/threads', token)).json<Array<{ id: string }>>();
    expect(threads.map((t) => t.id)).toContain(threadId);
    expect((await call(a, 'GET', `/api/tutor/threads/${threadId}`, token)).statusCode).toBe(200);

    // Repeating the merge changes nothing.
    await a.dataSource.transaction((m) => a.app.get(AccountsService).mergeInto(phone.id, account.user.id, m));
    expect(await progressOf(token, slugs[1])).toMatchObject({ status: 'completed', timeSpentSeconds: 900 });
  });

  it('sign-out: the token answers 401 at once, on this instance and on a second one', async () => {
    const { token } = (await signUp({ email: freshEmail(), password: PASSWORD })).json<AuthResponse>();
    // Both instances have the session cached.
    expect((await sessionOf(token, a)).statusCode).toBe(200);
    expect((await sessionOf(token, b)).statusCode).toBe(200);
    const heardOnB = once(b.app.get(SessionService).events, 'invalidated');
    expect((await call(a, 'POST', '/api/auth/sign-out', token)).statusCode).toBe(204);
    expect((await sessionOf(token, a)).statusCode).toBe(401);
    await heardOnB; // the Redis message reached instance b
    const onB = await sessionOf(token, b);
    expect(onB.statusCode).toBe(401);
    expect(onB.json<ApiErrorBody>().message).toMatch(/ended/);
  });

  it('answers 429 after 5 wrong passwords for one email, even for the right one', async () => {
    const email = freshEmail();
    await signUp({ email, password: PASSWORD });
    for (let i = 0; i < 5; i++) expect((await signIn({ email, password: 'wrong-password-123' })).statusCode).toBe(401);
    const blocked = await signIn({ email, password: PASSWORD }, undefined, b); // shared across instances
    expect(blocked.statusCode).toBe(429);
    expect(blocked.json<ApiErrorBody>()).toMatchObject({ statusCode: 429, code: 'rate_limited' });
  });

  it('limits sign-in requests per address', async () => {
    const limited = await createTestApp((config) => AppModule.forRoot(config), {
      AUTH_REQUESTS_PER_IP: '3',
      QUEUE_PREFIX: `ip-limit-${Date.now()}`,
    });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) statuses.push((await signIn({ email: freshEmail(), password: PASSWORD }, undefined, limited)).statusCode);
      expect(statuses).toEqual([401, 401, 401, 429]);
    } finally {
      await limited.close();
    }
  });

  it('gives an unknown email and a wrong password the same 401 body', async () => {
    const email = freshEmail();
    await signUp({ email, password: PASSWORD });
    const wrong = await signIn({ email, password: 'not-the-password' });
    const unknown = await signIn({ email: freshEmail(), password: 'not-the-password' });
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(unknown.json()).toEqual(wrong.json());
  });

  it('password reset: 202 either way, the mailed link works once, other sessions end', async () => {
    const email = freshEmail();
    const first = (await signUp({ email, password: PASSWORD })).json<AuthResponse>();
    const second = (await signIn({ email, password: PASSWORD })).json<AuthResponse>();

    expect((await call(a, 'POST', '/api/auth/password-reset', undefined, { email: freshEmail() })).statusCode).toBe(202);
    expect((await call(a, 'POST', '/api/auth/password-reset', undefined, { email: email.toUpperCase() })).statusCode).toBe(202);
    const mail = await smtp.next(email);
    expect(mail.subject).toMatch(/reset/i);
    const link = /http:\/\/lectern\.test\/reset-password#token=([A-Za-z0-9_-]+)/.exec(mail.text);
    expect(link).not.toBeNull();
    const token = link?.[1] ?? '';
    // Only the hash is stored.
    const stored = (await a.dataSource.query('SELECT token_hash FROM password_resets')) as Array<{ token_hash: string }>;
    expect(stored.map((r) => r.token_hash)).not.toContain(token);

    const newPassword = 'a-brand-new-passphrase';
    expect((await call(a, 'POST', '/api/auth/password-reset/confirm', undefined, { token, password: newPassword })).statusCode).toBe(204);
    const reused = await call(a, 'POST', '/api/auth/password-reset/confirm', undefined, { token, password: 'yet-another-passphrase' });
    expect(reused.statusCode).toBe(400);
    expect(reused.json<ApiErrorBody>().code).toBe('reset_token_invalid');

    expect((await sessionOf(first.token)).statusCode).toBe(401);
    expect((await sessionOf(second.token, b)).statusCode).toBe(401);
    expect((await signIn({ email, password: PASSWORD })).statusCode).toBe(401);
    expect((await signIn({ email, password: newPassword })).statusCode).toBe(200);
  });

  it('refuses an expired reset link', async () => {
    const email = freshEmail();
    await signUp({ email, password: PASSWORD });
    await call(a, 'POST', '/api/auth/password-reset', undefined, { email });
    const token = /#token=([A-Za-z0-9_-]+)/.exec((await smtp.next(email)).text)?.[1] ?? '';
    await a.dataSource.query(`UPDATE password_resets SET expires_at = now() - interval '1 second'`);
    const res = await call(a, 'POST', '/api/auth/password-reset/confirm', undefined, { token, password: 'a-brand-new-passphrase' });
    expect(res.statusCode).toBe(400);
  });

  it('exports everything of the learner', async () => {
    const anon = await createLearner(a.app, {});
    await read(a, anon.token, anon.id, slugs[0], 77);
    const thread = (await call(a, 'POST', '/api/tutor/threads', anon.token, { lessonSlug: slugs[0] })).json<{ id: string }>();
    const email = freshEmail();
    const { token } = (await signUp({ email, password: PASSWORD, name: 'Grace' }, anon.token)).json<AuthResponse>();
    const res = await call(a, 'GET', `/api/user/${anon.id}/export`, token);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-disposition']).toMatch(/attachment/);
    const data = res.json<UserExportDto>();
    expect(data.account).toMatchObject({ id: anon.id, email, name: 'Grace', onboardingCompleted: true });
    expect(data['answers']).toMatchObject({ ...SAMPLE_ANSWERS, learningGoals: [...SAMPLE_ANSWERS.learningGoals].sort() });
    expect(data['progress']).toEqual([expect.objectContaining({ lessonSlug: slugs[0], timeSpentSeconds: 77 })]);
    expect(data.sessions.length).toBeGreaterThanOrEqual(2);
    expect(data['threads']).toEqual([expect.objectContaining({ id: thread.id, lessonSlug: slugs[0], messages: [] })]);
    expect(JSON.stringify(data)).not.toMatch(/argon2|password_hash|passwordHash|token_hash/);
    const other = await createLearner(a.app);
    expect((await call(a, 'GET', `/api/user/${anon.id}/export`, other.token)).statusCode).toBe(403);
  });

  it('delete leaves no row of the learner in any table with a user column, and the token answers 401', async () => {
    const anon = await createLearner(a.app, {});
    await call(a, 'POST', `/api/progress/lessons/${slugs[0]}/complete`, anon.token);
    const { token } = (await signUp({ email: freshEmail(), password: PASSWORD }, anon.token)).json<AuthResponse>();
    await call(a, 'POST', '/api/auth/password-reset', undefined, { email: (await sessionOf(token)).json<SessionDto>().user.email });
    await sessionOf(token, b); // cached on b

    // Every column that names a user: user_id-like columns and every foreign key to users(id), found by the catalogue,
    // so tables added later are covered too.
    const columns = (await a.dataSource.query(`
      SELECT DISTINCT c.table_name, c.column_name FROM information_schema.columns c
      WHERE c.table_schema = 'public' AND c.column_name IN ('user_id', 'learner_id', 'owner_id')
      UNION
      SELECT kcu.table_name, kcu.column_name FROM information_schema.referential_constraints rc
      JOIN information_schema.key_column_usage kcu ON kcu.constraint_name = rc.constraint_name AND kcu.constraint_schema = rc.constraint_schema
      JOIN information_schema.constraint_column_usage ccu ON ccu.constraint_name = rc.unique_constraint_name AND ccu.constraint_schema = rc.unique_constraint_schema
      WHERE ccu.table_name = 'users' AND ccu.column_name = 'id'
      UNION SELECT 'users', 'id'`)) as Array<{ table_name: string; column_name: string }>;
    expect(columns.map((c) => c.table_name)).toEqual(
      expect.arrayContaining(['users', 'sessions', 'password_resets', 'lesson_progress', 'learner_preferences']),
    );
    const rowsOf = async () => {
      const counts: Record<string, number> = {};
      for (const { table_name, column_name } of columns) {
        const [{ n }] = (await a.dataSource.query(`SELECT count(*)::int AS n FROM "${table_name}" WHERE "${column_name}"::text = $1`, [
          anon.id,
        ])) as Array<{ n: number }>;
        counts[`${table_name}.${column_name}`] = n;
      }
      return counts;
    };
    const before = await rowsOf();
    for (const table of ['users.id', 'lesson_progress.user_id', 'learner_preferences.user_id', 'password_resets.user_id'])
      expect(before[table]).toBeGreaterThan(0);

    const heardOnB = once(b.app.get(SessionService).events, 'invalidated');
    expect((await call(a, 'DELETE', `/api/user/${anon.id}`, token)).statusCode).toBe(204);
    const after = await rowsOf();
    expect(Object.entries(after).filter(([, n]) => n > 0)).toEqual([]);
    expect((await sessionOf(token, a)).statusCode).toBe(401);
    await heardOnB;
    expect((await sessionOf(token, b)).statusCode).toBe(401);
  });

  describe('bad input', () => {
    it.each([
      [{ email: 'not-an-email', password: PASSWORD }, 'email'],
      [{ email: freshEmail(), password: 'short' }, 'password'],
      [{ email: freshEmail(), password: 'password123' }, 'password'],
      [{ email: freshEmail(), password: 'Qwerty123456' }, 'password'],
      [{ email: freshEmail(), password: 12345678901 }, 'password'],
      [{ email: freshEmail() }, 'password'],
    ])('sign-up %p → 400 naming %s', async (body, field) => {
      const res = await signUp(body);
      expect(res.statusCode).toBe(400);
      expect(res.json<ApiErrorBody>().details).toEqual([expect.objectContaining({ field })]);
    });

    it('refuses a 2 MB password with 413 and a 200 kB one with 400, without hashing either', async () => {
      const huge = await signUp({ email: freshEmail(), password: 'x'.repeat(2 * 1024 * 1024) });
      expect(huge.statusCode).toBe(413);
      const big = await signIn({ email: freshEmail(), password: 'x'.repeat(200 * 1024) });
      expect(big.statusCode).toBe(400);
      expect(big.json<ApiErrorBody>().details).toEqual([expect.objectContaining({ field: 'password' })]);
    });

    it('treats emails that differ only by case or Unicode form as one', async () => {
      const local = `rene${Date.now()}`;
      const composed = `${local}\u00e9@Example.com`;
      const decomposed = `${local.toUpperCase()}e\u0301@EXAMPLE.COM`;
      const created = await signUp({ email: composed, password: PASSWORD });
      expect(created.statusCode).toBe(201);
      expect(created.json<AuthResponse>().user.email).toBe(`${local}\u00e9@example.com`);
      expect((await signUp({ email: decomposed, password: PASSWORD })).statusCode).toBe(409);
      expect((await signIn({ email: decomposed, password: PASSWORD })).statusCode).toBe(200);
      const fullWidth = `${local}\u00e9\uff20example.com`; // full-width @
      expect((await signIn({ email: fullWidth, password: PASSWORD })).statusCode).toBe(200);
    });

    it('two sign-ups for one email at once: one 201, one 409', async () => {
      const email = freshEmail();
      const [x, y] = await Promise.all([
        signUp({ email, password: PASSWORD }, undefined, a),
        signUp({ email, password: PASSWORD }, undefined, b),
      ]);
      expect([x.statusCode, y.statusCode].sort()).toEqual([201, 409]);
      const [{ n }] = (await a.dataSource.query('SELECT count(*)::int AS n FROM users WHERE email = $1', [email])) as Array<{ n: number }>;
      expect(n).toBe(1);
    });

    it('answers 401 to sign-out and session without a live token', async () => {
      expect((await call(a, 'POST', '/api/auth/sign-out')).statusCode).toBe(401);
      expect((await sessionOf('ls1.not-a-session')).statusCode).toBe(401);
    });
  });
});
