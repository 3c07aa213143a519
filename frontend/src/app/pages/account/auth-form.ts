import { signal } from '@angular/core';
import { apiErrorOf, fieldErrorsOf, statusOf } from '../../core/http-errors';

/** Submit state shared by the account forms: busy flag, one message, per-field messages. */
export class FormState {
  readonly busy = signal(false);
  readonly message = signal('');
  readonly fields = signal<Record<string, string>>({});

  async run(action: () => Promise<void>): Promise<void> {
    if (this.busy()) return;
    this.busy.set(true);
    this.message.set('');
    this.fields.set({});
    try {
      await action();
    } catch (error) {
      const details = fieldErrorsOf(error);
      this.fields.set(Object.fromEntries(details.map((d) => [d.field, d.message])));
      this.message.set(
        details.length
          ? 'Some fields need attention.'
          : statusOf(error) === 0
            ? 'Lectern could not be reached. Check your connection and try again.'
            : (apiErrorOf(error)?.message ?? 'Something went wrong; please try again.'),
      );
    } finally {
      this.busy.set(false);
    }
  }
}

/** Reads named fields of a submitted form. */
export function formValues(event: Event): Record<string, string> {
  event.preventDefault();
  const data = new FormData(event.target as HTMLFormElement);
  return Object.fromEntries([...data.entries()].map(([k, v]) => [k, typeof v === 'string' ? v : '']));
}
