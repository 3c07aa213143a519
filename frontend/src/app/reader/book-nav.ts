import { ChangeDetectionStrategy, Component, computed, inject, input, linkedSignal, output } from '@angular/core';
import { rxResource } from '@angular/core/rxjs-interop';
import { RouterLink } from '@angular/router';
import type { BookDto } from '@lectern/api-types';
import { catchError, of } from 'rxjs';
import { ContentApi } from '../content/content.api';
import { ProgressApi } from '../progress/progress.api';

/** The chapter (global number) a lesson is in, or null. */
export function chapterOf(book: BookDto, slug: string): number | null {
  for (const part of book.parts) {
    for (const chapter of part.chapters) if (chapter.lessons.some((l) => l.slug === slug)) return chapter.number;
  }
  return null;
}

/**
 * The whole book as a sidebar (and in the phone menu): parts, chapters that
 * open and close, lessons with check marks for completed ones. The current
 * lesson is marked (aria-current="page") and its chapter open.
 */
@Component({
  selector: 'lx-book-nav',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [RouterLink],
  templateUrl: './book-nav.html',
  styleUrl: './book-nav.css',
})
export class BookNav {
  /** The lesson being read. */
  readonly current = input<string | null>(null);
  /** Query parameters every lesson link keeps (the reading view). */
  readonly linkParams = input<Record<string, string>>({});
  /** Lessons known to be completed beyond the server's summary (e.g. the one just marked). */
  readonly completedNow = input<readonly string[]>([]);
  /** A lesson link was followed (the phone menu closes). */
  readonly navigated = output<void>();

  private readonly content = inject(ContentApi);
  private readonly progress = inject(ProgressApi);

  protected readonly book = rxResource({ id: 'lx-book', stream: () => this.content.book() });
  private readonly summary = rxResource({ stream: () => this.progress.summary().pipe(catchError(() => of(null))) });

  protected readonly completed = computed(() => {
    const done = new Set(this.completedNow());
    const summary = this.summary.hasValue() ? this.summary.value() : null;
    for (const lesson of summary?.lessons ?? []) if (lesson.status === 'completed') done.add(lesson.lessonSlug);
    return done;
  });

  /** Open chapters: the current lesson's, plus any the reader opened. */
  protected readonly open = linkedSignal<{ book: BookDto | undefined; slug: string | null }, ReadonlySet<number>>({
    source: () => ({ book: this.book.hasValue() ? this.book.value() : undefined, slug: this.current() }),
    computation: ({ book, slug }, previous) => {
      const open = new Set(previous?.value ?? []);
      const chapter = book && slug ? chapterOf(book, slug) : null;
      if (chapter !== null) open.add(chapter);
      return open;
    },
  });

  protected toggle(chapter: number): void {
    this.open.update((open) => {
      const next = new Set(open);
      if (!next.delete(chapter)) next.add(chapter);
      return next;
    });
  }
}
