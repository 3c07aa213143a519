import { HttpErrorResponse } from '@angular/common/http';
import { fieldErrorsOf, statusOf } from './http-errors';

describe('http-errors', () => {
  it('reads the details of a 400', () => {
    const error = new HttpErrorResponse({
      status: 400,
      error: { statusCode: 400, error: 'Bad Request', message: 'x', details: [{ field: 'educationLevel', message: 'bad' }] },
    });
    expect(statusOf(error)).toBe(400);
    expect(fieldErrorsOf(error)).toEqual([{ field: 'educationLevel', message: 'bad' }]);
  });

  it('copes with errors that carry no API body', () => {
    expect(fieldErrorsOf(new HttpErrorResponse({ status: 0, error: new ProgressEvent('error') }))).toEqual([]);
    expect(fieldErrorsOf(new Error('x'))).toEqual([]);
    expect(statusOf(new Error('x'))).toBe(0);
  });
});
