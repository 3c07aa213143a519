import { HttpErrorResponse } from '@angular/common/http';
import type { ApiErrorBody, FieldError } from '@lectern/api-types';

/** The HTTP failure itself, also when a resource wrapped it (`resource.error()` has it as `cause`). */
function httpErrorOf(error: unknown): HttpErrorResponse | null {
  if (error instanceof HttpErrorResponse) return error;
  if (error instanceof Error && error.cause instanceof HttpErrorResponse) return error.cause;
  return null;
}

/** The HTTP status of a failed call; 0 when the server was not reached. */
export function statusOf(error: unknown): number {
  return httpErrorOf(error)?.status ?? 0;
}

/** The API's error body, when the failure carries one. */
export function apiErrorOf(error: unknown): ApiErrorBody | null {
  const failure = httpErrorOf(error);
  if (!failure) return null;
  const body: unknown = failure.error;
  if (typeof body !== 'object' || body === null || !('message' in body)) return null;
  return body as ApiErrorBody;
}

/** The `details` of a 400, or an empty list. */
export function fieldErrorsOf(error: unknown): FieldError[] {
  const details = apiErrorOf(error)?.details;
  return Array.isArray(details) ? details.filter((d) => typeof d?.field === 'string' && typeof d?.message === 'string') : [];
}
