import { ChangeDetectionStrategy, Component, computed, inject } from '@angular/core';
import { rxResource } from '@angular/core/rxjs-interop';
import { RouterLink } from '@angular/router';
import type { LayerDto, PartProgressDto } from '@lectern/api-types';
import { catchError, of } from 'rxjs';
import { ContentApi } from '../../content/content.api';
import { layerBadges, typeLabel } from '../../content/layers';
import { formatDuration, lessonsOf, resumeLink } from '../../progress/format';
import { ProgressApi } from '../../progress/progress.api';

/** How many recommendations the page lists. */
export const PROGRESS_PAGE_RECOMMENDATIONS = 5;

function partView(part: PartProgressDto) {
  const done = part.completionPercentage;
  return {
    ...part,
    name: `Part ${part.number} · ${part.title}`,
    /** The bar's text alternative. */
    description:
      `Part ${part.number}, ${part.title}: ${done}% complete, ${lessonsOf(part.completedLessons, part.totalLessons)} done` +
      (part.inProgressLessons ? `, ${part.inProgressLessons} in progress` : ''),
  };
}

/**
 * The learner's progress through the book: overall completion and time spent,
 * each part as a bar chart (with the same figures in a table), and the lessons
 * recommended next with the reasons they were chosen.
 */
@Component({
  selector: 'lx-progress-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [RouterLink],
  templateUrl: './progress-page.html',
  styleUrl: './progress-page.css',
})
export class ProgressPage {
  private readonly progressApi = inject(ProgressApi);
  private readonly content = inject(ContentApi);

  protected readonly summary = rxResource({ stream: () => this.progressApi.summary() });
  protected readonly recommendations = rxResource({
    stream: () => this.progressApi.recommendations(PROGRESS_PAGE_RECOMMENDATIONS),
  });
  /** Only for the layers' names: without it a layer shows as its id. */
  private readonly book = rxResource({ stream: () => this.content.book().pipe(catchError(() => of(null))) });
  private readonly layers = computed<LayerDto[]>(() => (this.book.hasValue() ? (this.book.value()?.layers ?? []) : []));

  protected readonly overview = computed(() => {
    if (!this.summary.hasValue()) return null;
    const s = this.summary.value();
    return {
      percent: s.completionPercentage,
      done: lessonsOf(s.completedLessons, s.totalLessons),
      inProgress: s.inProgressLessons,
      time: formatDuration(s.totalTimeSpentSeconds),
      resume: s.resume ? { title: s.resume.title, ...resumeLink(s.resume) } : null,
      parts: s.parts.map(partView),
    };
  });

  protected readonly recommended = computed(() => {
    if (!this.recommendations.hasValue()) return null;
    const layers = this.layers();
    return this.recommendations.value().recommendations.map((r) => ({
      ...r,
      layerBadges: r.lesson.layer ? layerBadges(r.lesson.layer, layers) : [],
      typeLabel: typeLabel(r.lesson.type),
    }));
  });

  protected reloadSummary(): void {
    this.summary.reload();
  }

  protected reloadRecommendations(): void {
    this.recommendations.reload();
  }
}
