import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { rxResource } from '@angular/core/rxjs-interop';
import { RouterLink } from '@angular/router';
import { catchError, firstValueFrom, of } from 'rxjs';
import { AccountService } from '../../account/account.service';
import { OnboardingApi } from '../../onboarding/onboarding.api';
import { profileSummary } from '../../onboarding/profile-summary';
import { resumeLink } from '../../progress/format';
import { ProgressApi } from '../../progress/progress.api';

/** How many recommendations the home page shows. */
export const HOME_RECOMMENDATIONS = 3;

/**
 * Leads with "Continue where you left off" when a lesson is in progress,
 * then welcomes the learner with what their profile means for the lessons and
 * the next lessons recommended to them (never the one Continue offers).
 */
@Component({
  selector: 'lx-home-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [RouterLink],
  styles: `
    .home {
      display: grid;
      gap: 1.25rem;
    }

    h2 {
      margin: 0 0 0.5rem;
      font-size: 1.125rem;
    }

    .continue-link {
      font-size: 1.125rem;
      font-weight: 600;
    }

    .continue p,
    .recommended ol {
      margin: 0;
    }

    .recommended ol {
      display: grid;
      gap: 0.5rem;
      padding: 0;
      list-style: none;
    }

    .recommended li {
      display: flex;
      flex-wrap: wrap;
      align-items: baseline;
      gap: 0 0.75rem;
    }

    .reason {
      flex-basis: 100%;
      font-size: 0.9375rem;
    }

    .more {
      margin: 0.75rem 0 0;
    }
  `,
  template: `
    <section class="page home" aria-labelledby="home-title">
      @if (resume(); as r) {
        <section class="card continue" aria-labelledby="continue-title" data-testid="continue-card">
          <h2 id="continue-title">Continue where you left off</h2>
          <p>
            <a class="btn btn-primary continue-link" data-testid="continue-link" [routerLink]="r.commands" [fragment]="r.fragment">{{ r.title }}</a>
          </p>
          @if (r.fragment) {
            <p class="muted">Back at the section you were reading.</p>
          }
        </section>
      }

      <div class="card welcome" data-testid="home-welcome">
        <h1 id="home-title">{{ resume() ? 'Welcome back!' : 'Welcome!' }}&ngsp;</h1>
        @if (summary(); as text) {
          <p class="summary" data-testid="home-summary">{{ text }}</p>
        } @else if (failed()) {
          <p class="muted">Your profile could not be loaded just now. Lessons still follow your saved answers.</p>
        } @else {
          <p class="muted" role="status">Loading your profile…</p>
        }
        <p><a routerLink="/profile">Change your answers</a> at any time.</p>
        <p class="actions">
          @if (resume()) {
            <a class="btn" routerLink="/book" data-testid="home-start-reading">Browse the book</a>
          } @else {
            <a class="btn btn-primary" routerLink="/book" data-testid="home-start-reading">Start reading</a>
          }
        </p>
      </div>

      @if (recommended(); as list) {
        @if (list.length) {
          <section class="card recommended" aria-labelledby="recommended-title" data-testid="home-recommendations">
            <h2 id="recommended-title">Recommended next</h2>
            <ol>
              @for (r of list; track r.lesson.slug) {
                <li data-testid="recommendation" [attr.data-slug]="r.lesson.slug">
                  <a [routerLink]="['/lessons', r.lesson.slug]">{{ r.lesson.title }}</a>
                  <span class="muted">{{ r.lesson.estimatedMinutes }} min</span>
                  <span class="muted reason" dir="auto">{{ r.reasons[0] }}</span>
                </li>
              }
            </ol>
            <p class="more"><a routerLink="/progress" data-testid="home-progress-link">Your progress and why these lessons</a></p>
          </section>
        }
      }
      @if (!account.signedIn()) {
        <p class="muted" data-testid="home-save-progress">
          Save your progress: <a routerLink="/sign-up">create an account</a> to continue on any device.
        </p>
      }
    </section>
  `,
})
export class HomePage {
  protected readonly account = inject(AccountService);
  private readonly api = inject(OnboardingApi);
  private readonly progressApi = inject(ProgressApi);
  protected readonly summary = signal('');
  protected readonly failed = signal(false);

  // Neither is essential to the page: when they fail, their cards are not shown.
  private readonly progress = rxResource({ stream: () => this.progressApi.summary().pipe(catchError(() => of(null))) });
  private readonly recommendations = rxResource({
    // One more than shown: the lesson Continue offers is left out of them.
    stream: () => this.progressApi.recommendations(HOME_RECOMMENDATIONS + 1).pipe(catchError(() => of(null))),
  });

  protected readonly resume = computed(() => {
    const resume = this.progress.hasValue() ? this.progress.value()?.resume : null;
    return resume ? { title: resume.title, slug: resume.lessonSlug, ...resumeLink(resume) } : null;
  });

  /** The recommendations, without the lesson "Continue" already offers (it is not repeated below it). */
  protected readonly recommended = computed(() => {
    if (!this.recommendations.hasValue()) return null;
    const list = this.recommendations.value()?.recommendations;
    if (!list) return null;
    const continuing = this.resume()?.slug;
    return list.filter((r) => r.lesson.slug !== continuing).slice(0, HOME_RECOMMENDATIONS);
  });

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
