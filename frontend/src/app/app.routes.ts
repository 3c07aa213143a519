import type { Route } from '@angular/router';
import { onboardedGuard, onboardingGuard } from './core/onboarded.guard';

/** One lazy chunk per page. Book, Search and Progress come later. */
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
    path: 'profile',
    title: 'Your profile · Lectern',
    canActivate: [onboardedGuard],
    loadComponent: () => import('./pages/profile/profile-page').then((m) => m.ProfilePage),
  },
  { path: '**', redirectTo: '' },
];
