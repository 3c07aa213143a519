import { inject } from '@angular/core';
import { Router, type CanActivateFn } from '@angular/router';
import { SessionService } from './session.service';

/** Pages for onboarded learners: everyone else is sent to /onboarding. */
export const onboardedGuard: CanActivateFn = async (_route, state) => {
  const session = inject(SessionService);
  const router = inject(Router);
  try {
    const user = await session.ensure();
    // Sent back to the page they asked for once the questions are answered.
    return user.onboardingCompleted
      ? true
      : router.createUrlTree(['/onboarding'], state.url !== '/' ? { queryParams: { returnTo: state.url } } : {});
  } catch {
    session.noteBlocked(state.url);
    return false;
  }
};

/** /onboarding itself: once onboarded it redirects home, unless `?edit=1`. */
export const onboardingGuard: CanActivateFn = async (route, state) => {
  const session = inject(SessionService);
  const router = inject(Router);
  try {
    const user = await session.ensure();
    if (!user.onboardingCompleted || route.queryParamMap.get('edit') === '1') return true;
    return router.createUrlTree(['/']);
  } catch {
    session.noteBlocked(state.url);
    return false;
  }
};
