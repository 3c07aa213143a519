import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { RouterLink } from '@angular/router';
import { AccountService } from '../../account/account.service';
import { FormState, formValues } from './auth-form';

@Component({
  selector: 'lx-forgot-password-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [RouterLink],
  styleUrl: './account-pages.css',
  template: `
    <section class="page auth" aria-labelledby="forgot-title">
      <h1 id="forgot-title">Reset your password</h1>
      @if (sent()) {
        <p role="status" data-testid="forgot-sent">
          If an account uses that email, a link to choose a new password is on its way. It works once, for one hour.
        </p>
      } @else {
        <form class="card" method="post" data-testid="forgot-form" [attr.aria-busy]="form.busy()" (submit)="submit($event)">
          <label for="forgot-email"
            >Email
            <input id="forgot-email" name="email" type="email" autocomplete="email" required data-testid="forgot-email" />
          </label>
          <button type="submit" class="btn btn-primary" data-testid="forgot-submit" [disabled]="form.busy()">Send the link</button>
          <p role="status" aria-live="polite">{{ form.message() }}</p>
        </form>
      }
      <p class="links"><a routerLink="/sign-in">Back to sign in</a></p>
    </section>
  `,
})
export class ForgotPasswordPage {
  private readonly account = inject(AccountService);
  protected readonly form = new FormState();
  protected readonly sent = signal(false);

  protected submit(event: Event): Promise<void> {
    const { email } = formValues(event);
    return this.form.run(async () => {
      await this.account.requestPasswordReset(email);
      this.sent.set(true);
    });
  }
}
