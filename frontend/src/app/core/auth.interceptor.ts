import type { HttpInterceptorFn } from '@angular/common/http';
import { inject } from '@angular/core';
import { SessionService } from './session.service';

/** Adds the learner's bearer token to every call to the app's own API. */
export const authInterceptor: HttpInterceptorFn = (request, next) => {
  const token = inject(SessionService).token();
  if (!token || !request.url.startsWith('/api/') || request.headers.has('Authorization')) {
    return next(request);
  }
  return next(request.clone({ setHeaders: { Authorization: `Bearer ${token}` } }));
};
