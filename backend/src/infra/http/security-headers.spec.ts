import Fastify, { type FastifyInstance } from 'fastify';
import helmet from 'helmet';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { registerSecurityHeaders, SECURITY_HEADER_OPTIONS, securityHeaders } from './security-headers';

/** The headers helmet's own middleware puts on a real Node response, for the same options. */
async function helmetOnARealResponse(): Promise<IncomingHttpHeaders> {
  const server: Server = createServer((req, res) => helmet({ ...SECURITY_HEADER_OPTIONS })(req, res, () => res.end('ok')));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    return Object.fromEntries(response.headers.entries());
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}

/** Only the headers helmet is about (not date, content-length, connection…). */
function securityOnly(headers: IncomingHttpHeaders | Record<string, string>): Record<string, unknown> {
  const plumbing = new Set(['date', 'connection', 'keep-alive', 'content-length', 'content-type', 'transfer-encoding']);
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !plumbing.has(name)));
}

describe('security headers', () => {
  let expected: Record<string, unknown>;
  let app: FastifyInstance;

  beforeAll(async () => {
    expected = securityOnly(await helmetOnARealResponse());
    app = Fastify();
    registerSecurityHeaders(app);
    app.get('/plain', async () => ({ ok: true }));
    app.get('/framed', async (_request, reply) => reply.header('x-frame-options', 'DENY').send({ ok: true }));
    // A hot path that answers in onRequest, as the content fast path does, after the headers were put on.
    app.addHook('onRequest', (request, reply, done) => {
      if (request.url === '/early') void reply.send('early');
      else done();
    });
    await app.ready();
  });
  afterAll(() => app.close());

  it('are the ones helmet sets on a real response, worked out once', () => {
    expect(Object.keys(expected).length).toBeGreaterThanOrEqual(10);
    expect(securityHeaders()).toEqual(expected);
    expect(expected).toMatchObject({
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'SAMEORIGIN',
      'strict-transport-security': expect.stringContaining('max-age='),
    });
    // The page sets its own content security policy; the API's answers are not cross-origin isolated.
    expect(expected).not.toHaveProperty('content-security-policy');
    expect(expected).not.toHaveProperty('cross-origin-embedder-policy');
  });

  it('are on a route answer, a 404 and an answer sent before routing', async () => {
    for (const url of ['/plain', '/missing', '/early']) {
      const response = await app.inject({ method: 'GET', url });
      expect(securityOnly(response.headers as IncomingHttpHeaders)).toEqual(expected);
    }
  });

  it('leave a route free to set its own value', async () => {
    const response = await app.inject({ method: 'GET', url: '/framed' });
    expect(response.headers['x-frame-options']).toBe('DENY');
  });

  it('follow the options (a policy turned on is sent)', () => {
    expect(securityHeaders({ ...SECURITY_HEADER_OPTIONS, crossOriginEmbedderPolicy: true })).toMatchObject({
      'cross-origin-embedder-policy': 'require-corp',
    });
  });
});
