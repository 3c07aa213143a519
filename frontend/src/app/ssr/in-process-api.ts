import { HttpErrorResponse, HttpHeaders, type HttpInterceptorFn, HttpResponse } from '@angular/common/http';
import { REQUEST_CONTEXT, inject } from '@angular/core';
import { from, map, throwError } from 'rxjs';
import { PUBLIC_API_PATH, type SsrRequestContext } from './request-context';

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

