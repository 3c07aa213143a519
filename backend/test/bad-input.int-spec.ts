import type { ApiErrorBody } from '@lectern/api-types';
import { ContentSyncService } from '@lectern/content';
import { TokenService } from '@lectern/infra';
import { bearer, createLearner, createTestApp, type TestApp } from '@lectern/testing';
import { connect } from 'node:net';
import { resolve } from 'node:path';
import { AppModule } from '../src/app.module';

/**
 * The bad-input sweep: every operation of the OpenAPI document (so a new
 * endpoint is covered without editing this file) gets malformed JSON, wrong
 * types, huge bodies, unknown fields, path traversal, very long strings and
 * SQL and HTML payloads. Each answer must be a 4xx with the one error shape,
 * or a normal 2xx — never a 5xx.
 */
const HOSTILE_PARAMS = [
  '..%2F..%2Fetc%2Fpasswd',
  '%2e%2e%2f%2e%2e%2f',
  encodeURIComponent("1' OR '1'='1"),
  encodeURIComponent('<script>alert(1)</script>'),
  'x'.repeat(3000),
  '-1',
  '99999999999999999999999',
  '%F0%9F%A4%96',
  '%00',
];
const HOSTILE_STRINGS = [
  "'; DROP TABLE users; --",
  '<img src=x onerror=alert(1)>',
  '../../etc/passwd',
  'x'.repeat(10_000),
  '\u0000',
  '🤖 روبوٹ',
];
const WRONG_TYPES: unknown[] = [[], 'a string', 42, null, true, { nested: { deeper: [1, 2, { x: 'y' }] } }];

interface Operation {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  /** Security schemes the operation names ('learner', 'admin'). */
  security: string[];
}

/** `{"a":{"a":…}}` nested `depth` levels. */
const nested = (depth: number): string => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;

describe('bad-input sweep over every documented endpoint', () => {
  let t: TestApp;
  let headersFor: (path: string) => Record<string, string>;
  let operations: Operation[];
  const failures: string[] = [];
  beforeEach(() => {
    failures.length = 0;
  });

  beforeAll(async () => {
    t = await createTestApp((config) => AppModule.forRoot(config), { BODY_LIMIT_BYTES: '65536' });
    await t.app.get(ContentSyncService).sync(resolve(__dirname, '../../content'));
    const learner = await createLearner(t.app, {});
    headersFor = (path) => (path.includes('/admin/') ? { authorization: `Bearer ${t.config.ADMIN_TOKEN}` } : bearer(learner.token));
    const doc = (await t.app.inject({ method: 'GET', url: '/api/docs-json' })).json<{ paths: Record<string, Record<string, unknown>> }>();
    operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.entries(methods)
        .filter(([m]) => ['get', 'post', 'put', 'patch', 'delete'].includes(m))
        .map(([m, op]) => ({
          method: m.toUpperCase() as Operation['method'],
          path,
          security: ((op as { security?: Array<Record<string, unknown>> }).security ?? []).flatMap((entry) => Object.keys(entry)),
        })),
    );
  });
  afterAll(async () => {
    await t.close();
  });

  async function check(label: string, request: Parameters<TestApp['app']['inject']>[0]): Promise<void> {
    const res = await t.app.inject(request as never);
    if (res.statusCode >= 500) {
      failures.push(`${label}: ${res.statusCode} ${res.body.slice(0, 200)}`);
      return;
    }
    if (res.statusCode >= 400) {
      let body: Partial<ApiErrorBody> = {};
      try {
        body = res.json<ApiErrorBody>();
      } catch {
        failures.push(`${label}: ${res.statusCode} without a JSON body`);
        return;
      }
      if (body.statusCode !== res.statusCode || typeof body.error !== 'string' || typeof body.message !== 'string') {
        failures.push(`${label}: ${res.statusCode} without the error shape: ${res.body.slice(0, 200)}`);
      }
    }
  }

  const fill = (path: string, value: string): string => path.replace(/\{[^}]+\}/g, value);

  it('covers the documented API', () => {
    expect(operations.length).toBeGreaterThanOrEqual(15);
  });

  it('hostile path parameters and query strings never cause a 5xx', async () => {
    for (const op of operations.filter((o) => o.path.includes('{'))) {
      for (const value of HOSTILE_PARAMS) {
        await check(`${op.method} ${op.path} with ${value.slice(0, 30)}`, {
          method: op.method,
          url: fill(op.path, value),
          headers: headersFor(op.path),
        });
      }
    }
    for (const op of operations) {
      for (const value of HOSTILE_PARAMS) {
        const url = `${fill(op.path, 'the-embodiment-hypothesis')}?lessonSlug=${value}&limit=${value}&q=${value}`;
        await check(`${op.method} ${op.path} query ${value.slice(0, 30)}`, { method: op.method, url, headers: headersFor(op.path) });
      }
    }
    expect(failures).toEqual([]);
  });

  it('malformed, mistyped, oversized and hostile bodies never cause a 5xx', async () => {
    const writes = operations.filter((o) => o.method !== 'GET' && o.method !== 'DELETE');
    expect(writes.length).toBeGreaterThan(3);
    for (const op of writes) {
      const url = fill(op.path, 'the-embodiment-hypothesis');
      const headers = { ...headersFor(op.path), 'content-type': 'application/json' };
      await check(`${op.method} ${op.path} malformed JSON`, { method: op.method, url, headers, payload: '{"a": ' });
      await check(`${op.method} ${op.path} not JSON`, {
        method: op.method,
        url,
        headers: { ...headers, 'content-type': 'text/plain' },
        payload: 'hello',
      });
      await check(`${op.method} ${op.path} huge body`, {
        method: op.method,
        url,
        headers,
        payload: JSON.stringify({ blob: 'x'.repeat(200_000) }),
      });
      for (const wrong of WRONG_TYPES) {
        await check(`${op.method} ${op.path} body ${JSON.stringify(wrong).slice(0, 30)}`, {
          method: op.method,
          url,
          headers,
          payload: JSON.stringify(wrong),
        });
      }
      for (const value of HOSTILE_STRINGS) {
        const everyField = Object.fromEntries(
          [
            'lessonSlug',
            'query',
            'seconds',
            'section',
            'educationLevel',
            'programmingExperience',
            'roboticsBackground',
            'aiMlExperience',
            'learningGoals',
            'preferredLanguage',
            'layer',
            'partSlug',
            'limit',
            'unknownField',
          ].map((k) => [k, value]),
        );
        await check(`${op.method} ${op.path} hostile strings`, { method: op.method, url, headers, payload: everyField });
        await check(`${op.method} ${op.path} hostile array`, {
          method: op.method,
          url,
          headers,
          payload: { learningGoals: [value, value], query: [value] },
        });
      }
    }
    expect(failures).toEqual([]);
  });

  it('answers 413 for a body over the limit, in the error shape', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/onboarding',
      headers: { ...headersFor('/api/onboarding'), 'content-type': 'application/json' },
      payload: JSON.stringify({ x: 'x'.repeat(100_000) }),
    });
    expect(res.statusCode).toBe(413);
    expect(res.json()).toMatchObject({ statusCode: 413, error: 'Payload Too Large' });
  });

  it('every write answers 400 for JSON nested 5,000 deep or with too many keys, before validation', async () => {
    const writes = operations.filter((o) => o.method !== 'GET');
    const results: string[] = [];
    for (const op of writes) {
      const url = fill(op.path, 'the-embodiment-hypothesis');
      const headers = { ...headersFor(op.path), 'content-type': 'application/json' };
      for (const [label, payload] of [
        ['depth 5,000', nested(5_000)],
        ['an array nested 5,000 deep', `${'['.repeat(5_000)}${']'.repeat(5_000)}`],
        ['3,000 keys', JSON.stringify(Object.fromEntries(Array.from({ length: 3_000 }, (_, i) => [`k${i}`, i])))],
      ] as const) {
        const res = await t.app.inject({ method: op.method, url, headers, payload });
        await check(`${op.method} ${op.path} ${label}`, { method: op.method, url, headers, payload });
        if (res.statusCode !== 400 || res.json<ApiErrorBody>().code !== 'body_too_complex') {
          results.push(`${op.method} ${op.path} ${label}: ${res.statusCode} ${res.body.slice(0, 120)}`);
        }
      }
    }
    expect(results).toEqual([]);
    expect(failures).toEqual([]);
  });

  it('every write answers 415 for a form-encoded, multipart or plain-text body (no cross-site simple requests)', async () => {
    const writes = operations.filter((o) => o.method !== 'GET');
    expect(writes.some((o) => o.path === '/api/user/create')).toBe(true);
    const results: string[] = [];
    for (const op of writes) {
      const url = fill(op.path, 'the-embodiment-hypothesis');
      for (const [contentType, payload] of [
        ['application/x-www-form-urlencoded', 'query=robot&lessonSlug=x'],
        ['multipart/form-data; boundary=x', '--x\r\nContent-Disposition: form-data; name="query"\r\n\r\nrobot\r\n--x--\r\n'],
        ['text/plain', '{"query":"robot"}'],
      ]) {
        const res = await t.app.inject({
          method: op.method,
          url,
          headers: { ...headersFor(op.path), 'content-type': contentType },
          payload,
        });
        if (res.statusCode !== 415 || res.json<ApiErrorBody>().statusCode !== 415) {
          results.push(`${op.method} ${op.path} ${contentType}: ${res.statusCode}`);
        }
      }
    }
    expect(results).toEqual([]);
  });

  it('every learner operation answers 401 for a validly signed token whose learner does not exist', async () => {
    const ghost = t.app.get(TokenService).issue('33333333-3333-4333-8333-333333333333');
    // Sign-up and sign-in take a token only optionally (an anonymous learner to keep): they are not learner operations.
    const learnerOps = operations.filter(
      (o) => o.security.includes('learner') && !o.path.includes('/admin/') && !/^\/api\/auth\/sign-(up|in)$/.test(o.path),
    );
    expect(learnerOps.length).toBeGreaterThan(8);
    const results: string[] = [];
    for (const op of learnerOps) {
      const url = fill(op.path, op.path.includes('/user/{') ? '33333333-3333-4333-8333-333333333333' : 'the-embodiment-hypothesis');
      const write = op.method !== 'GET' && op.method !== 'DELETE';
      const res = await t.app.inject({
        method: op.method,
        url,
        headers: { ...bearer(ghost), ...(write ? { 'content-type': 'application/json' } : {}) },
        ...(write ? { payload: op.path.includes('/time') ? { seconds: 5 } : op.path.includes('search') ? { query: 'robot' } : {} } : {}),
      });
      if (res.statusCode !== 401) results.push(`${op.method} ${op.path}: ${res.statusCode} ${res.body.slice(0, 120)}`);
    }
    expect(results).toEqual([]);
  });

  it('every operation answers 414 in the error shape for an over-long URL', async () => {
    for (const op of operations) {
      const url = `${fill(op.path, 'the-embodiment-hypothesis')}?q=${'x'.repeat(10_000)}`;
      const res = await t.app.inject({ method: op.method, url, headers: headersFor(op.path) });
      expect({ op: `${op.method} ${op.path}`, status: res.statusCode }).toEqual({ op: `${op.method} ${op.path}`, status: 414 });
      expect(res.json()).toMatchObject({ statusCode: 414, error: 'URI Too Long', code: 'uri_too_long' });
    }
  });

  it("answers 414 and 431 in the error shape when Node's HTTP parser rejects the request line or the headers", async () => {
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = t.app.getHttpServer().address() as { port: number };
    const raw = (request: string) =>
      new Promise<{ status: number; body: unknown }>((done, fail) => {
        const socket = connect(port, '127.0.0.1');
        let data = '';
        socket.on('data', (chunk) => (data += chunk.toString('utf8')));
        socket.on('error', () => undefined);
        socket.on('close', () => {
          const [head, body = ''] = data.split('\r\n\r\n');
          const status = Number(/^HTTP\/1\.1 (\d+)/.exec(head)?.[1]);
          try {
            done({ status, body: JSON.parse(body) });
          } catch {
            fail(new Error(`not JSON: ${data.slice(0, 200)}`));
          }
        });
        socket.write(request);
      });
    const longLine = await raw(`GET /api/content/book?q=${'x'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`);
    expect(longLine).toEqual({ status: 414, body: expect.objectContaining({ statusCode: 414, error: 'URI Too Long' }) });
    const bigHeaders = await raw(`GET /api/content/book HTTP/1.1\r\nHost: x\r\nX-Big: ${'y'.repeat(20_000)}\r\n\r\n`);
    expect(bigHeaders).toEqual({
      status: 431,
      body: expect.objectContaining({ statusCode: 431, error: 'Request Header Fields Too Large', code: 'headers_too_large' }),
    });
  });
});
