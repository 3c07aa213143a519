import type { ApiErrorBody } from '@lectern/api-types';
import { ContentSyncService } from '@lectern/content';
import { bearer, createLearner, createTestApp, type TestApp } from '@lectern/testing';
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
}

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
      Object.keys(methods)
        .filter((m) => ['get', 'post', 'put', 'patch', 'delete'].includes(m))
        .map((m) => ({ method: m.toUpperCase() as Operation['method'], path })),
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
});
