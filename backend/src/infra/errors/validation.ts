import { ValidationPipe, type ValidationError } from '@nestjs/common';
import type { FieldError } from '@lectern/api-types';
import { ValidationFailedError } from './domain-error';

/** Flattens class-validator errors into `{ field, message }` pairs (nested fields dotted). */
export function toFieldErrors(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.entries(error.constraints ?? {}).map(([rule, message]) => ({
      field,
      message: rule === 'whitelistValidation' ? `${field} is not an accepted field` : message,
    }));
    return [...own, ...toFieldErrors(error.children ?? [], field)];
  });
}

/** Global pipe: strips nothing silently — unknown fields are rejected, types are not coerced. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    stopAtFirstError: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => {
      const details = toFieldErrors(errors);
      return new ValidationFailedError(details, details.map((d) => d.message).join('; ') || 'Validation failed');
    },
  });
}
