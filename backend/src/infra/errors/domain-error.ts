import type { FieldError } from '@lectern/api-types';

/**
 * A failure the domain knows about. Services throw these; the one exception
 * filter maps them to HTTP. `code` is stable and machine-readable.
 */
export class DomainError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: FieldError[],
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export class NotFoundError extends DomainError {
  constructor(code: string, message: string) {
    super(404, code, message);
  }
}

export class ConflictError extends DomainError {
  constructor(code: string, message: string) {
    super(409, code, message);
  }
}

export class ForbiddenError extends DomainError {
  constructor(message = 'You can only read and change your own data.') {
    super(403, 'forbidden', message);
  }
}

export class UnauthorizedError extends DomainError {
  constructor(message: string) {
    super(401, 'unauthorized', message);
  }
}

export class ValidationFailedError extends DomainError {
  constructor(details: FieldError[], message = 'Validation failed') {
    super(400, 'validation_failed', message, details);
  }
}
