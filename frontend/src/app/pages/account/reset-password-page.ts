import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { ActivatedRoute, RouterLink } from '@angular/router';
import { PASSWORD_MIN_LENGTH } from '@lectern/api-types';
import { AccountService } from '../../account/account.service';
import { FormState, formValues } from './auth-form';

/** Opened from the mailed link; the token is in the URL fragment (#token=…), so it never reaches a server log. */
@Component({
  selector: 'lx-reset-password-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [RouterLink],
  styleUrl: './account-pages.css',
  template: `
    <section class="page auth" aria-labelledby="reset-title">
      <h1 id="reset-title">Choose a new password</h1>
      @if (done()) {
        <p role="status" data-testid="reset-done">
          Your password is changed and every other session has ended. <a routerLink="/sign-in">Sign in</a> with the new one.
        </p>
      } @else if (!token) {
        <p role="alert">This page needs the link from the reset mail. <a routerLink="/forgot-password">Ask for a new link</a>.</p>
      } @else {
        <form class="card" method="post" data-testid="reset-form" [attr.aria-busy]="form.busy()" (submit)="submit($event)">
          <label for="reset-password"
            >New password
            <input
              id="reset-password"
              name="password"
              type="password"
              autocomplete="new-password"
              required
              [attr.minlength]="minLength"
              data-testid="reset-password"
              aria-describedby="reset-password-hint"
            />
            <span id="reset-password-hint" class="hint">At least {{ minLength }} characters, not a common password.</span>
            @if (form.fields()['password']) {
              <span class="field-error" role="alert">{{ form.fields()['password'] }}</span>
            }
          </label>
          <button type="submit" class="btn btn-primary" data-testid="reset-submit" [disabled]="form.busy()">Set the new password</button>
          <p role="status" aria-live="polite" data-testid="reset-status">{{ form.message() }}</p>
        </form>
      }
    </section>
  `,
})
export class ResetPasswordPage {
  private readonly account = inject(AccountService);
  protected readonly form = new FormState();
  protected readonly done = signal(false);
  protected readonly minLength = PASSWORD_MIN_LENGTH;
  protected readonly token = new URLSearchParams(inject(ActivatedRoute).snapshot.fragment ?? '').get('token') ?? '';

  protected submit(event: Event): Promise<void> {
    const { password } = formValues(event);
    return this.form.run(async () => {
      await this.account.confirmPasswordReset(this.token, password);
      this.done.set(true);
    });
  }
}
