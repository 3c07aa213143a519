import { createPageRenderer, SERVER_RENDERED, type InjectGet, type ServerBundle } from './ssr';

/** A stand-in for the API: answers from a map the test edits, counting calls. */
function fakeApi(answers: Map<string, string>): InjectGet & { calls: string[] } {
  const calls: string[] = [];
  const inject = async (path: string) => {
    calls.push(path);
    const body = answers.get(path);
    return body === undefined
      ? { statusCode: 404, headers: { 'content-type': 'application/json' }, body: '{"statusCode":404}' }
      : { statusCode: 200, headers: { 'content-type': 'application/json' }, body };
  };
  return Object.assign(inject, { calls });
}

/** A stand-in for the Angular server bundle: renders the lesson it reads from the API. */
function fakeBundle(): ServerBundle & { renders: number } {
  const bundle = {
    renders: 0,
    async renderPage(path: string, context: { origin: string; fetchApi(path: string): Promise<{ status: number; body: string }> }) {
      bundle.renders += 1;
      const slug = path.split('/').pop() ?? '';
      const lesson = await context.fetchApi(`/api/content/lessons/${slug}`);
      const body = lesson.status === 200 ? `<h1>${(JSON.parse(lesson.body) as { title: string }).title}</h1>` : '<h1>Lesson not found</h1>';
      return new Response(`<html><link rel="canonical" href="${context.origin}${path}">${body}</html>`, {
        status: lesson.status === 200 ? 200 : 404,
        headers: { 'content-type': 'text/html;charset=UTF-8' },
      });
    },
  };
  return bundle;
}

describe('server-side rendering of the public pages', () => {
  it('renders only the public book', () => {
    for (const path of ['/book', '/search', '/lessons/how-robots-sense']) expect(SERVER_RENDERED.test(path)).toBe(true);
    for (const path of ['/', '/profile', '/progress', '/onboarding', '/lessons', '/lessons/a/b', '/sign-in']) {
      expect(SERVER_RENDERED.test(path)).toBe(false);
    }
  });

  it('serves a page again from its cache while the API answers it was made from are the same, and renders afresh once one changed', async () => {
    const answers = new Map([['/api/content/lessons/x', JSON.stringify({ title: 'First title' })]]);
    const api = fakeApi(answers);
    const bundle = fakeBundle();
    const renderer = createPageRenderer(api, bundle);

    expect(await renderer.render('/lessons/x', 'https://a.example')).toEqual({
      status: 200,
      html: expect.stringContaining('<h1>First title</h1>') as unknown,
    });
    expect((await renderer.render('/lessons/x', 'https://a.example'))?.html).toContain('First title');
    expect(bundle.renders).toBe(1);
    expect(api.calls).toEqual(['/api/content/lessons/x', '/api/content/lessons/x']); // read again to check, not rendered again

    answers.set('/api/content/lessons/x', JSON.stringify({ title: 'Edited title' }));
    expect((await renderer.render('/lessons/x', 'https://a.example'))?.html).toContain('<h1>Edited title</h1>');
    expect(bundle.renders).toBe(2);
  });

  it('keeps pages of other origins apart (the canonical URL names the origin)', async () => {
    const renderer = createPageRenderer(fakeApi(new Map([['/api/content/lessons/x', '{"title":"T"}']])), fakeBundle());
    expect((await renderer.render('/lessons/x', 'https://a.example'))?.html).toContain('href="https://a.example/lessons/x"');
    expect((await renderer.render('/lessons/x', 'https://b.example'))?.html).toContain('href="https://b.example/lessons/x"');
  });

  it('passes a 404 through', async () => {
    const renderer = createPageRenderer(fakeApi(new Map()), fakeBundle());
    const page = await renderer.render('/lessons/nope', 'https://a.example');
    expect(page?.status).toBe(404);
    expect(page?.html).toContain('Lesson not found');
  });

  it('gives up on a render that does not finish in time (the page is then rendered in the browser)', async () => {
    const stuck: ServerBundle = { renderPage: () => new Promise<Response | null>(() => undefined) };
    const renderer = createPageRenderer(fakeApi(new Map()), stuck, { timeoutMs: 10 });
    await expect(renderer.render('/book', 'https://a.example')).rejects.toThrow(/longer than 10 ms/);
  });

  it('answers null for what the app does not render on the server', async () => {
    const renderer = createPageRenderer(fakeApi(new Map()), { renderPage: () => Promise.resolve(null) });
    expect(await renderer.render('/book', 'https://a.example')).toBeNull();
  });
});
