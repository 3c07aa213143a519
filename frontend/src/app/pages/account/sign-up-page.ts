import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { Router, RouterLink } from '@angular/router';
import { PASSWORD_MIN_LENGTH } from '@lectern/api-types';
import { AccountService } from '../../account/account.service';
import { FormState, formValues } from './auth-form';

@Component({
  selector: 'lx-sign-up-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [RouterLink],
  styleUrl: './account-pages.css',
  template: `
    <section class="page auth" aria-labelledby="sign-up-title">
      <h1 id="sign-up-title">Save your progress</h1>
      <p class="lead">
        An account keeps your answers, progress and questions, and lets you continue on any device. Everything you did so far stays.
      </p>
      <form class="card" method="post" data-testid="sign-up-form" [attr.aria-busy]="form.busy()" (submit)="submit($event)">
        <label for="sign-up-name"
          >Name <span class="hint">(optional)</span>
          <input id="sign-up-name" name="name" type="text" autocomplete="name" maxlength="100" />
        </label>
        <label for="sign-up-email"
          >Email
          <input
            id="sign-up-email"
            name="email"
            type="email"
            autocomplete="email"
            required
            data-testid="sign-up-email"
            [attr.aria-invalid]="!!form.fields()['email']"
            [attr.aria-describedby]="form.fields()['email'] ? 'sign-up-email-error' : null"
          />
          @if (form.fields()['email']) {
            <span id="sign-up-email-error" class="field-error">{{ form.fields()['email'] }}</span>
          }
        </label>
        <label for="sign-up-password"
          >Password
          <input
            id="sign-up-password"
            name="password"
            type="password"
            autocomplete="new-password"
            required
            [attr.minlength]="minLength"
            data-testid="sign-up-password"
            aria-describedby="sign-up-password-hint"
            [attr.aria-invalid]="!!form.fields()['password']"
          />
          <span id="sign-up-password-hint" class="hint">At least {{ minLength }} characters, not a common password.</span>
          @if (form.fields()['password']) {
            <span class="field-error" role="alert">{{ form.fields()['password'] }}</span>
          }
        </label>
        <button type="submit" class="btn btn-primary" data-testid="sign-up-submit" [disabled]="form.busy()">
          {{ form.busy() ? 'Creating your account…' : 'Create account' }}
        </button>
        <p role="status" aria-live="polite" data-testid="sign-up-status">{{ form.message() }}</p>
      </form>
      <p class="links"><a routerLink="/sign-in">I already have an account</a></p>
    </section>
  `,
})
export class SignUpPage {
  private readonly account = inject(AccountService);
  private readonly router = inject(Router);
  protected readonly form = new FormState();
  protected readonly minLength = PASSWORD_MIN_LENGTH;

  protected submit(event: Event): Promise<void> {
    const { email, password, name } = formValues(event);
    return this.form.run(async () => {
      await this.account.signUp({ email, password, ...(name.trim() ? { name: name.trim() } : {}) });
      await this.router.navigateByUrl('/profile');
    });
  }
}
