import { RenderMode, type ServerRoute } from '@angular/ssr';

/**
 * Which pages the server renders: the public book (its contents, every lesson
 * in its Original form, the search page's shell). A learner's pages (home,
 * onboarding, progress, profile, account pages) render in the browser only.
 */
export const serverRoutes: ServerRoute[] = [
  { path: 'book', renderMode: RenderMode.Server },
  { path: 'lessons/:slug', renderMode: RenderMode.Server },
  { path: 'search', renderMode: RenderMode.Server },
  { path: '**', renderMode: RenderMode.Client },
];
