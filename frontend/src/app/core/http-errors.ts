import { HttpErrorResponse } from '@angular/common/http';
import type { ApiErrorBody, FieldError } from '@lectern/api-types';

/** The HTTP status of a failed call; 0 when the server was not reached. */
export function statusOf(error: unknown): number {
  return error instanceof HttpErrorResponse ? error.status : 0;
}

/** The API's error body, when the failure carries one. */
export function apiErrorOf(error: unknown): ApiErrorBody | null {
  if (!(error instanceof HttpErrorResponse)) return null;
  const body: unknown = error.error;
  if (typeof body !== 'object' || body === null || !('message' in body)) return null;
  return body as ApiErrorBody;
}

/** The `details` of a 400, or an empty list. */
export function fieldErrorsOf(error: unknown): FieldError[] {
  const details = apiErrorOf(error)?.details;
  return Array.isArray(details) ? details.filter((d) => typeof d?.field === 'string' && typeof d?.message === 'string') : [];
}
