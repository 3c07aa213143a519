import { provideHttpClient, withFetch, withInterceptors } from '@angular/common/http';
import { type ApplicationConfig, type EnvironmentProviders, type Provider, provideBrowserGlobalErrorListeners } from '@angular/core';
import { provideClientHydration, withEventReplay, withIncrementalHydration } from '@angular/platform-browser';
import { provideRouter, withInMemoryScrolling } from '@angular/router';
import { appRoutes } from './app.routes';
import { authInterceptor } from './core/auth.interceptor';

/**
 * What the browser and the server-side render share (see app.config.server.ts).
 * Server-rendered pages (the public book) are hydrated: the browser adopts
 * the server's DOM instead of rendering it again; clicks made before the app
 * is ready are replayed. Incremental hydration lets a block wait (the book
 * page's chapters hydrate as they come into view).
 */
export const sharedProviders: Array<Provider | EnvironmentProviders> = [
  provideBrowserGlobalErrorListeners(),
  provideRouter(appRoutes, withInMemoryScrolling({ scrollPositionRestoration: 'top', anchorScrolling: 'enabled' })),
  provideClientHydration(withEventReplay(), withIncrementalHydration()),
];

// Zoneless change detection is Angular's default: no zone.js is loaded.
export const appConfig: ApplicationConfig = {
  providers: [...sharedProviders, provideHttpClient(withFetch(), withInterceptors([authInterceptor]))],
};
