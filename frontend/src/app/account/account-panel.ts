import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { Router, RouterLink } from '@angular/router';
import { AccountService } from './account.service';

/**
 * The account part of the profile page: a quiet "Save your progress" while
 * anonymous; when signed in, sign out, download the data, and delete the
 * account after typing DELETE.
 */
@Component({
  selector: 'lx-account-panel',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [RouterLink],
  template: `
    <section class="card stack" aria-labelledby="account-title" data-testid="account-panel">
      <h2 id="account-title">Your account</h2>
      @if (account.signedIn()) {
        <p data-testid="account-email">
          Signed in as <strong>{{ account.account()?.email }}</strong>.
        </p>
        <div class="actions">
          <button type="button" class="btn" data-testid="account-sign-out" (click)="signOut()">Sign out</button>
          <button type="button" class="btn" data-testid="account-export" (click)="download()">Download my data</button>
        </div>
        <form class="stack" data-testid="delete-form" (submit)="remove($event)">
          <label for="delete-confirm">To delete your account and everything in it, type <strong>DELETE</strong></label>
          <input
            id="delete-confirm"
            name="confirm"
            type="text"
            autocomplete="off"
            data-testid="delete-confirm"
            [value]="confirmText()"
            (input)="confirmText.set($any($event.target).value)"
          />
          <button type="submit" class="btn" data-testid="delete-submit" [disabled]="confirmText() !== 'DELETE'">Delete my account</button>
        </form>
      } @else {
        <p class="muted" data-testid="save-progress">
          Save your progress: <a routerLink="/sign-up" data-testid="save-progress-link">create an account</a> to keep your answers and
          progress on every device, or <a routerLink="/sign-in">sign in</a>.
        </p>
      }
      <p role="status" aria-live="polite">{{ message() }}</p>
    </section>
  `,
})
export class AccountPanel {
  protected readonly account = inject(AccountService);
  private readonly router = inject(Router);
  protected readonly confirmText = signal('');
  protected readonly message = signal('');

  protected async signOut(): Promise<void> {
    await this.account.signOut();
    this.message.set('Signed out.');
  }

  protected async download(): Promise<void> {
    const data = await this.account.exportData();
    const url = URL.createObjectURL(new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' }));
    const link = document.createElement('a');
    link.href = url;
    link.download = 'lectern-export.json';
    link.click();
    URL.revokeObjectURL(url);
    this.message.set('Your data was downloaded.');
  }

  protected async remove(event: Event): Promise<void> {
    event.preventDefault();
    if (this.confirmText() !== 'DELETE') return;
    await this.account.deleteAccount();
    this.confirmText.set('');
    await this.router.navigateByUrl('/onboarding');
  }
}
