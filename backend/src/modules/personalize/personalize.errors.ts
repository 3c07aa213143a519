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

export class DailyBudgetExhaustedError extends DomainError {
  constructor() {
    super(
      429,
      'daily_budget_exhausted',
      "Today's LLM budget is used up: new rewrites resume tomorrow (UTC); rewrites already written still work",
    );
  }
}
