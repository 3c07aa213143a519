import { HttpClient, type HttpErrorResponse, provideHttpClient, withInterceptors } from '@angular/common/http';
import { REQUEST_CONTEXT } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { firstValueFrom } from 'rxjs';
import { inProcessApi } from './in-process-api';
import type { ApiAnswer, SsrRequestContext } from './request-context';

describe('inProcessApi (the server-side render reads the API in-process)', () => {
  let asked: string[];

  function setUp(answers: Record<string, ApiAnswer>): HttpClient {
    asked = [];
    const context: SsrRequestContext = {
      origin: 'https://lectern.example',
      fetchApi: (path) => {
        asked.push(path);
        return Promise.resolve(answers[path] ?? { status: 404, contentType: 'application/json', body: '{"statusCode":404,"message":"No such lesson"}' });
      },
    };
    TestBed.configureTestingModule({
      providers: [provideHttpClient(withInterceptors([inProcessApi])), { provide: REQUEST_CONTEXT, useValue: context }],
    });
    return TestBed.inject(HttpClient);
  }

  it('answers the public book from the context: JSON parsed, Markdown as text', async () => {
    const http = setUp({
      '/api/content/book': { status: 200, contentType: 'application/json', body: '{"title":"Robots"}' },
      '/api/content/lessons/x/content': { status: 200, contentType: 'text/markdown', body: '## Hello' },
    });
    expect(await firstValueFrom(http.get('/api/content/book'))).toEqual({ title: 'Robots' });
    expect(await firstValueFrom(http.get('/api/content/lessons/x/content', { responseType: 'text' }))).toBe('## Hello');
    expect(asked).toEqual(['/api/content/book', '/api/content/lessons/x/content']);
  });

  it('reads a lesson text at its content-addressed URL, and nothing that only looks like one', async () => {
    const sha = 'a'.repeat(64);
    const http = setUp({ [`/api/content/text/${sha}.md`]: { status: 200, contentType: 'text/markdown', body: '## Hello' } });
    expect(await firstValueFrom(http.get(`/api/content/text/${sha}.md`, { responseType: 'text' }))).toBe('## Hello');
    for (const path of ['/api/content/text/../../progress', `/api/content/text/${sha}.md/x`, '/api/content/text/abc.md']) {
      const error = (await firstValueFrom(http.get(path, { responseType: 'text' })).catch((e: unknown) => e)) as HttpErrorResponse;
      expect(error.status).toBe(0);
    }
    expect(asked).toEqual([`/api/content/text/${sha}.md`]);
  });

  it('turns an API error into the HttpErrorResponse the page handles (a 404 lesson)', async () => {
    const http = setUp({});
    const error = (await firstValueFrom(http.get('/api/content/lessons/nope')).catch((e: unknown) => e)) as HttpErrorResponse;
    expect(error.status).toBe(404);
    expect(error.error).toMatchObject({ message: 'No such lesson' });
  });

  it('never reads a learner’s data on the server, nor writes anything', async () => {
    const http = setUp({});
    for (const call of [http.get('/api/progress'), http.get('/api/user/reader-view'), http.post('/api/user/create', null)]) {
      const error = (await firstValueFrom(call).catch((e: unknown) => e)) as HttpErrorResponse;
      expect(error.status).toBe(0);
    }
    expect(asked).toEqual([]);
  });
});
