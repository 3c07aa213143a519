import { provideHttpClient, withFetch, withInterceptors } from '@angular/common/http';
import { type ApplicationConfig, REQUEST_CONTEXT, inject } from '@angular/core';
import { provideServerRendering, withRoutes } from '@angular/ssr';
import { sharedProviders } from './app.config';
import { serverRoutes } from './app.routes.server';
import { inProcessApi } from './ssr/in-process-api';
import { MARKDOWN_WINDOW, type SsrRequestContext } from './ssr/request-context';
import { markdownWindow } from './ssr/markdown-window';

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
