import type { ApiErrorBody, CreateUserResponse, UserDto } from '@lectern/api-types';
import { TokenService } from '@lectern/infra';
import { bearer, createLearner, createTestApp, type TestApp } from '@lectern/testing';
import { UsersModule } from './users.module';

describe('users and identity (real PostgreSQL)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp([UsersModule]);
  });
  afterAll(async () => {
    await t.close();
  });

  it('creates a learner with a server-made id and a token that carries it', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/user/create' });
    expect(res.statusCode).toBe(201);
    const { user, token } = res.json<CreateUserResponse>();
    expect(user).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
      onboardingCompleted: false,
    });
    expect(t.app.get(TokenService).verify(token)).toMatchObject({ ok: true, claims: { sub: user.id } });
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

  it('answers 401 for a validly signed token whose learner no longer exists', async () => {
    const ghost = '22222222-2222-4222-8222-222222222222';
    const token = t.app.get(TokenService).issue(ghost);
    const res = await t.app.inject({ method: 'GET', url: `/api/user/${ghost}`, headers: bearer(token) });
    expect(res.statusCode).toBe(401);
    expect(res.json<ApiErrorBody>().message).toMatch(/no longer exists/);
  });
});
