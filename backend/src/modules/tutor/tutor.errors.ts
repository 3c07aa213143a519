import { DomainError, NotFoundError } from '@lectern/infra';

export class TutorOnboardingRequiredError extends DomainError {
  constructor() {
    super(
      409,
      'onboarding_required',
      'Answer the onboarding questions first (POST /api/onboarding): the tutor answers at your level and in your language',
    );
  }
}

export class TooManyQuestionsError extends DomainError {
  constructor(
    limit: number,
    readonly retryAfterSeconds: number,
  ) {
    super(
      429,
      'rate_limited',
      `You're asking faster than the tutor can answer: at most ${limit} questions a minute. Try again in ${retryAfterSeconds} s.`,
    );
  }
}

export class TutorBudgetExhaustedError extends DomainError {
  constructor() {
    super(
      429,
      'daily_budget_exhausted',
      'The tutor has answered all it can for today. It will be back tomorrow (UTC); your threads are still here to read.',
    );
  }
}

export class ThreadNotFoundError extends NotFoundError {
  constructor(id: string) {
    super('thread_not_found', `No tutor thread ${id}`);
  }
}

export class MessageNotFoundError extends NotFoundError {
  constructor(id: string) {
    super('message_not_found', `No tutor message ${id}`);
  }
}
