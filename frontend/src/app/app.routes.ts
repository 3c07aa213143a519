import type { Route } from '@angular/router';
import { onboardedGuard, onboardingGuard } from './core/onboarded.guard';

/** One lazy chunk per page. */
export const appRoutes: Route[] = [
  {
    path: '',
    pathMatch: 'full',
    title: 'Lectern',
    canActivate: [onboardedGuard],
    loadComponent: () => import('./pages/home/home-page').then((m) => m.HomePage),
  },
  {
    path: 'onboarding',
    title: 'Get started · Lectern',
    canActivate: [onboardingGuard],
    loadComponent: () => import('./pages/onboarding/onboarding-page').then((m) => m.OnboardingPage),
  },
  {
    path: 'book',
    title: 'Book · Lectern',
    loadComponent: () => import('./pages/book/book-page').then((m) => m.BookPage),
  },
  {
    // No route title: the page sets "<lesson title> · Lectern" once it knows it.
    path: 'lessons/:slug',
    loadComponent: () => import('./pages/lesson/lesson-page').then((m) => m.LessonPage),
  },
  {
    // No guard: search needs no learner (and no onboarding).
    path: 'search',
    title: 'Search · Lectern',
    loadComponent: () => import('./pages/search/search-page').then((m) => m.SearchPage),
  },
  {
    // No guard: progress needs a learner, not an onboarded one (ProgressApi makes sure there is one).
    path: 'progress',
    title: 'Your progress · Lectern',
    loadComponent: () => import('./pages/progress/progress-page').then((m) => m.ProgressPage),
  },
  {
    path: 'profile',
    title: 'Your profile · Lectern',
    canActivate: [onboardedGuard],
    loadComponent: () => import('./pages/profile/profile-page').then((m) => m.ProfilePage),
  },
  {
    path: 'sign-up',
    title: 'Save your progress · Lectern',
    loadComponent: () => import('./pages/account/sign-up-page').then((m) => m.SignUpPage),
  },
  {
    path: 'sign-in',
    title: 'Sign in · Lectern',
    loadComponent: () => import('./pages/account/sign-in-page').then((m) => m.SignInPage),
  },
  {
    path: 'forgot-password',
    title: 'Reset your password · Lectern',
    loadComponent: () => import('./pages/account/forgot-password-page').then((m) => m.ForgotPasswordPage),
  },
  {
    path: 'reset-password',
    title: 'Choose a new password · Lectern',
    loadComponent: () => import('./pages/account/reset-password-page').then((m) => m.ResetPasswordPage),
  },
  { path: '**', redirectTo: '' },
];
