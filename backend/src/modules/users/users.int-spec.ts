import type { ApiErrorBody, CreateUserResponse, UserDto } from '@lectern/api-types';
import { TokenService } from '@lectern/infra';
import { bearer, createLearner, createTestApp, type TestApp } from '@lectern/testing';
import { sha256Hex, SessionService } from './accounts/session.service';
import { UsersModule } from './users.module';
import { UsersService } from './users.service';

describe('users and identity (real PostgreSQL)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp([UsersModule]);
  });
  afterAll(async () => {
    await t.close();
  });

  it('creates a learner with a server-made id and the token of a server-side session', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/user/create' });
    expect(res.statusCode).toBe(201);
    const { user, token } = res.json<CreateUserResponse>();
    expect(user).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
      onboardingCompleted: false,
    });
    expect(token).toMatch(/^ls1\.[A-Za-z0-9_-]{43}$/);
    expect(await t.app.get(SessionService).verify(token)).toMatchObject({ ok: true, userId: user.id });
    const [row] = (await t.dataSource.query('SELECT kind, token_hash FROM sessions WHERE user_id = $1', [user.id])) as Array<{
      kind: string;
      token_hash: string;
    }>;
    expect(row).toEqual({ kind: 'anonymous', token_hash: sha256Hex(token) });
  });

  it('ignores a client-chosen id', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/user/create', payload: { id: '11111111-1111-4111-8111-111111111111' } });
    expect([201, 400]).toContain(res.statusCode);
    if (res.statusCode === 201) expect(res.json<CreateUserResponse>().user.id).not.toBe('11111111-1111-4111-8111-111111111111');
  });

  it('reads your own user', async () => {
    const learner = await createLearner(t.app);
    const res = await t.app.inject({ method: 'GET', url: `/api/user/${learner.id}`, headers: bearer(learner.token) });
    expect(res.statusCode).toBe(200);
    expect(res.json<UserDto>().id).toBe(learner.id);
  });

  it("answers 403 for another learner's id", async () => {
    const me = await createLearner(t.app);
    const other = await createLearner(t.app);
    const res = await t.app.inject({ method: 'GET', url: `/api/user/${other.id}`, headers: bearer(me.token) });
    expect(res.statusCode).toBe(403);
    expect(res.json<ApiErrorBody>()).toMatchObject({ statusCode: 403, error: 'Forbidden' });
  });

  it('answers 401 without a token, with a forged one and with an expired one', async () => {
    const learner = await createLearner(t.app);
    const url = `/api/user/${learner.id}`;
    expect((await t.app.inject({ method: 'GET', url })).statusCode).toBe(401);
    expect((await t.app.inject({ method: 'GET', url, headers: bearer('lt1.e30.c2lnbmF0dXJl') })).statusCode).toBe(401);
    const expired = t.app.get(TokenService).issue(learner.id, Date.now() - 400 * 86_400_000);
    const res = await t.app.inject({ method: 'GET', url, headers: bearer(expired) });
    expect(res.statusCode).toBe(401);
    expect(res.json<ApiErrorBody>().message).toMatch(/expired/);
  });

  it('answers 401 for a validly signed legacy token whose learner no longer exists', async () => {
    const ghost = '22222222-2222-4222-8222-222222222222';
    const token = t.app.get(TokenService).issue(ghost);
    const res = await t.app.inject({ method: 'GET', url: `/api/user/${ghost}`, headers: bearer(token) });
    expect(res.statusCode).toBe(401);
  });

  it('keeps legacy signed tokens working: mapped to a session on first use, revocable like any other', async () => {
    const user = await t.app.get(UsersService).create();
    const legacy = t.app.get(TokenService).issue(user.id);
    const url = `/api/user/${user.id}`;
    expect((await t.app.inject({ method: 'GET', url, headers: bearer(legacy) })).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'GET', url, headers: bearer(legacy) })).statusCode).toBe(200);
    const rows = (await t.dataSource.query('SELECT kind FROM sessions WHERE user_id = $1', [user.id])) as Array<{ kind: string }>;
    expect(rows).toEqual([{ kind: 'legacy' }]);
    expect((await t.app.inject({ method: 'POST', url: '/api/auth/sign-out', headers: bearer(legacy) })).statusCode).toBe(204);
    const after = await t.app.inject({ method: 'GET', url, headers: bearer(legacy) });
    expect(after.statusCode).toBe(401);
    expect(after.json<ApiErrorBody>().message).toMatch(/ended/);
  });

  it('slides a used session forward', async () => {
    const learner = await createLearner(t.app);
    await t.dataSource.query(
      `UPDATE sessions SET last_used_at = now() - interval '2 hours', expires_at = now() + interval '1 day' WHERE user_id = $1`,
      [learner.id],
    );
    const sessions = t.app.get(SessionService);
    const slid = new Promise<void>((done) => sessions.events.once('slid', () => done()));
    expect((await t.app.inject({ method: 'GET', url: `/api/user/${learner.id}`, headers: bearer(learner.token) })).statusCode).toBe(200);
    await slid;
    const [row] = (await t.dataSource.query('SELECT expires_at FROM sessions WHERE user_id = $1', [learner.id])) as Array<{
      expires_at: Date;
    }>;
    expect(row.expires_at.getTime()).toBeGreaterThan(Date.now() + 300 * 86_400_000);
  });
});
