import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { RouterLink } from '@angular/router';
import { firstValueFrom } from 'rxjs';
import { OnboardingApi } from '../../onboarding/onboarding.api';
import { profileSummary } from '../../onboarding/profile-summary';

/** Welcomes the learner with what their profile means for the lessons. */
@Component({
  selector: 'lx-home-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [RouterLink],
  template: `
    <section class="page home" aria-labelledby="home-title">
      <div class="card welcome" data-testid="home-welcome">
        <h1 id="home-title">Welcome!&ngsp;</h1>
        @if (summary(); as text) {
          <p class="summary" data-testid="home-summary">{{ text }}</p>
        } @else if (failed()) {
          <p class="muted">Your profile could not be loaded just now. Lessons still follow your saved answers.</p>
        } @else {
          <p class="muted" role="status">Loading your profile…</p>
        }
        <p><a routerLink="/profile">Change your answers</a> at any time.</p>
        <p class="actions">
          <a class="btn btn-primary" routerLink="/book" data-testid="home-start-reading">Start reading</a>
        </p>
      </div>
      <p class="muted">Search and progress pages are on their way.</p>
    </section>
  `,
})
export class HomePage {
  private readonly api = inject(OnboardingApi);
  protected readonly summary = signal('');
  protected readonly failed = signal(false);

  constructor() {
    void this.load();
  }

  private async load(): Promise<void> {
    try {
      const [questions, preferences] = await Promise.all([
        firstValueFrom(this.api.questions()),
        firstValueFrom(this.api.preferences()),
      ]);
      this.summary.set(profileSummary(questions, preferences));
    } catch {
      this.failed.set(true);
    }
  }
}
