import type { FastifyReply, FastifyRequest } from 'fastify';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { CompressedAssets, compressPage } from './compression';

function fakeReply(): FastifyReply & { headers: Record<string, string>; body?: unknown } {
  const reply = {
    headers: {} as Record<string, string>,
    body: undefined as unknown,
    header(name: string, value: string) {
      reply.headers[name] = value;
      return reply;
    },
    send(body: unknown) {
      reply.body = body;
      return reply;
    },
  };
  return reply as unknown as FastifyReply & { headers: Record<string, string>; body?: unknown };
}
const request = (acceptEncoding?: string) => ({ headers: acceptEncoding ? { 'accept-encoding': acceptEncoding } : {} }) as FastifyRequest;

describe('compressed scripts and styles', () => {
  const script = `console.log(${JSON.stringify('lesson '.repeat(2000))});`;
  let assets: CompressedAssets;

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lectern-compress-'));
    writeFileSync(join(dir, 'main-ABCD1234.js'), script);
    writeFileSync(join(dir, 'favicon.ico'), 'not compressed');
    assets = new CompressedAssets(dir);
    await assets.ready;
  });

  it('serves brotli to a browser that accepts it, else gzip, with the same bytes inside', () => {
    const br = fakeReply();
    expect(assets.serve(request('gzip, deflate, br'), br, '/main-ABCD1234.js', 'immutable')).toBe(true);
    expect(br.headers).toMatchObject({ 'content-encoding': 'br', 'content-type': 'text/javascript; charset=utf-8', vary: 'accept-encoding' });
    expect(brotliDecompressSync(br.body as Buffer).toString()).toBe(script);
    expect((br.body as Buffer).length).toBeLessThan(script.length / 10);

    const gz = fakeReply();
    expect(assets.serve(request('gzip'), gz, '/main-ABCD1234.js', 'immutable')).toBe(true);
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.body as Buffer).toString()).toBe(script);
  });

  it('leaves other files, and browsers that accept no encoding, to the static files', () => {
    expect(assets.serve(request(), fakeReply(), '/main-ABCD1234.js', 'immutable')).toBe(false);
    expect(assets.serve(request('br'), fakeReply(), '/favicon.ico', 'no-cache')).toBe(false);
  });

  it('compresses a rendered page as the browser accepts', () => {
    const html = '<p>lesson</p>'.repeat(100);
    expect(brotliDecompressSync(compressPage(html, 'br') as Buffer).toString()).toBe(html);
    expect(gunzipSync(compressPage(html, 'gzip') as Buffer).toString()).toBe(html);
    expect(compressPage(html, null)).toBe(html);
  });
});
