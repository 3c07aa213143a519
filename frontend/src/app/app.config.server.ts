import { HttpErrorResponse, type HttpInterceptorFn, HttpHeaders, HttpResponse, provideHttpClient, withFetch, withInterceptors } from '@angular/common/http';
import { type ApplicationConfig, REQUEST_CONTEXT, inject } from '@angular/core';
import { provideServerRendering, withRoutes } from '@angular/ssr';
import { from, map, throwError } from 'rxjs';
import { sharedProviders } from './app.config';
import { serverRoutes } from './app.routes.server';
import { MARKDOWN_WINDOW, PUBLIC_API_PATH, type SsrRequestContext } from './ssr/request-context';
import { markdownWindow } from './ssr/markdown-window';

/**
 * On the server, API calls never leave the process: the public book's GETs go
 * to the context's `fetchApi` (the API answers in-process); anything else (a
 * learner's data) fails at once, so those parts of the page render in the
 * browser.
 */
export const inProcessApi: HttpInterceptorFn = (request) => {
  const context = inject(REQUEST_CONTEXT, { optional: true }) as SsrRequestContext | null;
  const path = request.urlWithParams;
  if (!context || request.method !== 'GET' || !PUBLIC_API_PATH.test(request.url)) {
    return throwError(() => new HttpErrorResponse({ status: 0, statusText: 'Not read on the server', url: path }));
  }
  return from(context.fetchApi(path)).pipe(
    map((answer) => {
      const headers = new HttpHeaders({ 'content-type': answer.contentType });
      if (answer.status >= 400) {
        throw new HttpErrorResponse({ status: answer.status, url: path, headers, error: parse(answer.body) });
      }
      const body = request.responseType === 'text' ? answer.body : parse(answer.body);
      return new HttpResponse({ status: answer.status, url: path, headers, body });
    }),
  );
};

function parse(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return body;
  }
}

export const config: ApplicationConfig = {
  providers: [
    ...sharedProviders,
    provideServerRendering(withRoutes(serverRoutes)),
    // No learner token on the server: the in-process API is the only way out.
    provideHttpClient(withFetch(), withInterceptors([inProcessApi])),
    {
      provide: MARKDOWN_WINDOW,
      useFactory: () => markdownWindow((inject(REQUEST_CONTEXT, { optional: true }) as SsrRequestContext | null)?.origin ?? 'http://localhost'),
    },
  ],
};
