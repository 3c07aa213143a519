import type { ApiErrorBody } from '@lectern/api-types';
import { openApiJson, pendingSchemaChanges } from '@lectern/infra';
import { createTestApp, type TestApp } from '@lectern/testing';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppModule } from '../src/app.module';

describe('the whole api process (real PostgreSQL and Redis)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp((config) => AppModule.forRoot(config), { BODY_LIMIT_BYTES: '4096' });
  });
  afterAll(async () => {
    await t.close();
  });

  it('has no schema drift: the migrations create exactly what the entities describe', async () => {
    expect(await pendingSchemaChanges(t.dataSource)).toEqual([]);
  });

  it('answers /health and /health/ready', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/health' })).json()).toEqual({ status: 'ok' });
    const ready = await t.app.inject({ method: 'GET', url: '/health/ready' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ database: 'up', redis: 'up' });
  });

  it('serves the OpenAPI document generated from the code', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/docs-json' });
    expect(res.statusCode).toBe(200);
    // The document served is the one committed (backend/openapi.json, generated without a server by `nx run backend:openapi`).
    expect(openApiJson(res.json())).toBe(readFileSync(join(__dirname, '../openapi.json'), 'utf8'));
    const doc = res.json<{ paths: Record<string, unknown> }>();
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/api/user/create',
        '/api/user/{userId}',
        '/api/onboarding',
        '/api/onboarding/questions',
        '/api/user/preferences',
        '/health/ready',
      ]),
    );
    expect((await t.app.inject({ method: 'GET', url: '/api/docs' })).statusCode).toBe(200);
  });

  it('gives malformed JSON the one error shape', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/onboarding',
      headers: { 'content-type': 'application/json', authorization: 'Bearer x' },
      payload: '{"a":',
    });
    expect(res.statusCode).toBe(400);
    expect(res.json<ApiErrorBody>()).toMatchObject({ statusCode: 400, error: 'Bad Request', message: expect.any(String) });
  });

  it('answers 413 with the error shape for a body over the limit', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/onboarding',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ educationLevel: 'x'.repeat(10_000) }),
    });
    expect(res.statusCode).toBe(413);
    expect(res.json<ApiErrorBody>()).toMatchObject({ statusCode: 413, error: 'Payload Too Large' });
  });

  it('answers unknown API paths with a JSON 404', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/nothing-here', headers: { accept: 'text/html' } });
    expect(res.statusCode).toBe(404);
    expect(res.json<ApiErrorBody>()).toMatchObject({ statusCode: 404, error: 'Not Found' });
  });
});

describe('serving the Angular app on the same port', () => {
  let t: TestApp;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lectern-site-'));
    writeFileSync(
      join(dir, 'index.html'),
      '<!doctype html><title>Lectern</title><script>document.documentElement.dataset.theme = "dark"</script><lx-root></lx-root>',
    );
    writeFileSync(join(dir, 'main-ABCDEFGH.js'), 'console.log(1)');
    t = await createTestApp((config) => AppModule.forRoot(config), { FRONTEND_DIST: dir });
  });
  afterAll(async () => {
    await t.close();
  });

  it('serves index.html for app routes a browser opens (deep links, reloads), with a strict content security policy', async () => {
    for (const url of ['/', '/onboarding', '/profile?x=1']) {
      const res = await t.app.inject({ method: 'GET', url, headers: { accept: 'text/html' } });
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain('<lx-root>');
      expect(res.headers['cache-control']).toBe('no-cache');
      const csp = String(res.headers['content-security-policy']);
      expect(csp).toContain("object-src 'none'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toMatch(/script-src 'self' 'sha256-[A-Za-z0-9+/=]+'/);
      expect(csp).not.toContain('unsafe-eval');
    }
  });

  it('serves hashed bundles as immutable files', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/main-ABCDEFGH.js' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toContain('immutable');
  });

  it('keeps JSON 404s for API paths and missing files', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/api/nope', headers: { accept: 'text/html' } })).json()).toMatchObject({
      statusCode: 404,
    });
    expect((await t.app.inject({ method: 'GET', url: '/missing.js' })).statusCode).toBe(404);
  });
});

describe('Bull Board at /admin/queues', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp((config) => AppModule.forRoot(config));
  });
  afterAll(async () => {
    await t.close();
  });

  const basic = (password: string) => `Basic ${Buffer.from(`admin:${password}`).toString('base64')}`;

  it.each([
    '/admin/queues',
    '/admin/queues/',
    '/admin/queues/api/queues',
    '/admin/queues/queue/content',
    '/admin/queues/static/js/main.js',
    '/admin/queues/api/queues/content/retry/failed',
  ])('answers 401 with a basic-auth challenge at %s without the admin credential', async (url) => {
    for (const method of ['GET', 'PUT', 'POST'] as const) {
      const res = await t.app.inject({ method, url });
      expect(res.statusCode).toBe(401);
      expect(res.headers['www-authenticate']).toMatch(/^Basic/);
    }
    const wrong = await t.app.inject({ method: 'GET', url, headers: { authorization: basic('not-the-token') } });
    expect(wrong.statusCode).toBe(401);
  });

  it('shows the board and the queues with the admin credential (basic auth or bearer)', async () => {
    const page = await t.app.inject({ method: 'GET', url: '/admin/queues', headers: { authorization: basic(t.config.ADMIN_TOKEN) } });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    const api = await t.app.inject({
      method: 'GET',
      url: '/admin/queues/api/queues',
      headers: { authorization: `Bearer ${t.config.ADMIN_TOKEN}` },
    });
    expect(api.statusCode).toBe(200);
    expect(api.json<{ queues: Array<{ name: string }> }>().queues.map((q) => q.name)).toContain('content');
  });
});

describe('operations and hardening', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp((config) => AppModule.forRoot(config), {
      USER_CREATE_PER_IP_PER_HOUR: '3',
      CORS_ORIGINS: 'https://books.example.org',
    });
  });
  afterAll(async () => {
    await t.close();
  });

  it('serves Prometheus metrics to the admin only, with HTTP latency and queue depth', async () => {
    await t.app.inject({ method: 'GET', url: '/health' });
    expect((await t.app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(401);
    const res = await t.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${t.config.ADMIN_TOKEN}` } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/plain');
    expect(res.body).toMatch(/lectern_http_request_duration_seconds_bucket\{[^}]*route="\/health"/);
    expect(res.body).toMatch(/lectern_queue_jobs\{queue="personalize",state="waiting"\} \d+/);
    expect(res.body).toContain('lectern_personalize_cache_total');
  });

  it('sends security headers', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/health' });
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBeDefined();
    expect(res.headers['strict-transport-security']).toBeDefined();
  });

  it('allows the configured CORS origins only', async () => {
    const allowed = await t.app.inject({
      method: 'OPTIONS',
      url: '/api/user/create',
      headers: { origin: 'https://books.example.org', 'access-control-request-method': 'POST' },
    });
    expect(allowed.headers['access-control-allow-origin']).toBe('https://books.example.org');
    const other = await t.app.inject({
      method: 'OPTIONS',
      url: '/api/user/create',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('limits learner creation per address (429 with the error shape)', async () => {
    const codes: number[] = [];
    for (let i = 0; i < 4; i += 1)
      codes.push((await t.app.inject({ method: 'POST', url: '/api/user/create', remoteAddress: '10.9.8.7' })).statusCode);
    expect(codes).toEqual([201, 201, 201, 429]);
    const other = await t.app.inject({ method: 'POST', url: '/api/user/create', remoteAddress: '10.9.8.6' });
    expect(other.statusCode).toBe(201);
  });
});
