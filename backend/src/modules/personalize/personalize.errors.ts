import { DomainError } from '@lectern/infra';

export class OnboardingRequiredError extends DomainError {
  constructor() {
    super(
      409,
      'onboarding_required',
      'Answer the onboarding questions first (POST /api/onboarding): rewrites are written for your profile',
    );
  }
}

export class TooManyRewritesError extends DomainError {
  constructor(
    limit: number,
    readonly retryAfterSeconds: number,
  ) {
    super(
      429,
      'rate_limited',
      `Too many personalization requests: at most ${limit} new rewrites a minute; try again in ${retryAfterSeconds} s`,
    );
  }
}
