import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { Router, RouterLink } from '@angular/router';
import { AccountService } from '../../account/account.service';
import { FormState, formValues } from './auth-form';

@Component({
  selector: 'lx-sign-in-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [RouterLink],
  styleUrl: './account-pages.css',
  template: `
    <section class="page auth" aria-labelledby="sign-in-title">
      <h1 id="sign-in-title">Sign in</h1>
      <p class="lead">Continue where you left off. What you did on this device is added to your account.</p>
      <form class="card" method="post" data-testid="sign-in-form" [attr.aria-busy]="form.busy()" (submit)="submit($event)">
        <label for="sign-in-email"
          >Email
          <input id="sign-in-email" name="email" type="email" autocomplete="username" required data-testid="sign-in-email" />
        </label>
        <label for="sign-in-password"
          >Password
          <input
            id="sign-in-password"
            name="password"
            type="password"
            autocomplete="current-password"
            required
            data-testid="sign-in-password"
          />
        </label>
        <button type="submit" class="btn btn-primary" data-testid="sign-in-submit" [disabled]="form.busy()">
          {{ form.busy() ? 'Signing in…' : 'Sign in' }}
        </button>
        <p role="status" aria-live="polite" data-testid="sign-in-status">{{ form.message() }}</p>
      </form>
      <p class="links">
        <a routerLink="/forgot-password">Forgot your password?</a>
        <a routerLink="/sign-up">Create an account</a>
      </p>
    </section>
  `,
})
export class SignInPage {
  private readonly account = inject(AccountService);
  private readonly router = inject(Router);
  protected readonly form = new FormState();

  protected submit(event: Event): Promise<void> {
    const { email, password } = formValues(event);
    return this.form.run(async () => {
      await this.account.signIn({ email, password });
      await this.router.navigateByUrl('/');
    });
  }
}
