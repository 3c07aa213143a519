import { DOCUMENT } from '@angular/common';
import { ChangeDetectionStrategy, Component, afterRenderEffect, computed, effect, inject } from '@angular/core';
import { rxResource, toSignal } from '@angular/core/rxjs-interop';
import { ActivatedRoute, RouterLink } from '@angular/router';
import type { BookDto, LessonGroupDto, LessonSummaryDto, ProgressSummaryDto, StoredLessonStatus } from '@lectern/api-types';
import { catchError, of } from 'rxjs';
import { ContentApi } from '../../content/content.api';
import { type LayerBadge, layerBadges, typeLabel } from '../../content/layers';
import { PageMeta } from '../../core/page-meta';
import { revealAnchor } from '../../lesson/anchor';
import { ProgressApi } from '../../progress/progress.api';

interface LessonRow extends LessonSummaryDto {
  typeLabel: string | null;
  /** Only for parts that span levels, where each lesson says which it is at. */
  layerBadges: LayerBadge[];
  /** The learner's progress; null when not started (or not known). */
  status: StoredLessonStatus | null;
  /** Groups (levels deeper than the chapter) that open at this lesson, outermost first, with their depth (1 = directly in the chapter). */
  groupsOpening: { title: string; depth: number }[];
  /** How many groups deep the lesson sits (0: directly in the chapter). */
  groupDepth: number;
}

/** For each lesson slug, the group path it sits in (outermost first), from the chapter's nested groups. */
export function groupPaths(groups: readonly LessonGroupDto[], path: string[] = [], out = new Map<string, string[]>()): Map<string, string[]> {
  for (const group of groups) {
    const inner = [...path, group.title];
    for (const slug of group.lessons) out.set(slug, inner);
    groupPaths(group.groups, inner, out);
  }
  return out;
}

/** The groups that open at each lesson: where its path departs from the previous lesson's. */
function groupsOpening(slugs: readonly string[], paths: ReadonlyMap<string, string[]>): Map<string, { title: string; depth: number }[]> {
  const result = new Map<string, { title: string; depth: number }[]>();
  let previous: string[] = [];
  for (const slug of slugs) {
    const path = paths.get(slug) ?? [];
    let same = 0;
    while (same < path.length && same < previous.length && path[same] === previous[same]) same++;
    result.set(
      slug,
      path.slice(same).map((title, i) => ({ title, depth: same + i + 1 })),
    );
    previous = path;
  }
  return result;
}

/** "2 of 4 done" for a chapter: the server's counts, else counted from the lesson statuses. */
interface ChapterCompletion {
  done: number;
  total: number;
  percent: number;
  /** Progress not read (yet): the row holds its place, hidden, so a phone's summary does not wrap when it comes. */
  pending?: true;
}

function chapterCompletion(
  chapterNumber: number,
  lessons: readonly LessonRow[],
  progress: ProgressSummaryDto | null,
): ChapterCompletion | null {
  if (lessons.length === 0) return null;
  if (!progress) return { done: 0, total: lessons.length, percent: 0, pending: true };
  const counted = progress.parts.flatMap((p) => p.chapters).find((c) => c.number === chapterNumber);
  const total = counted?.totalLessons ?? lessons.length;
  const done = counted?.completedLessons ?? lessons.filter((l) => l.status === 'completed').length;
  const percent = counted?.completionPercentage ?? (total ? Math.round((done / total) * 1000) / 10 : 0);
  return { done, total, percent };
}

function bookView(book: BookDto, progress: ProgressSummaryDto | null) {
  const statuses = new Map((progress?.lessons ?? []).map((l) => [l.lessonSlug, l.status]));
  return {
    title: book.title,
    description: book.description,
    lessonCount: book.parts.reduce((n, p) => n + p.chapters.reduce((m, c) => m + c.lessons.length, 0), 0),
    parts: book.parts.map((part) => {
      const spans = part.layer?.includes('-') ?? false;
      return {
        ...part,
        layerBadges: layerBadges(part.layer, book.layers),
        chapters: part.chapters.map((chapter) => {
          const paths = groupPaths(chapter.groups ?? []);
          const opening = groupsOpening(
            chapter.lessons.map((l) => l.slug),
            paths,
          );
          const lessons = chapter.lessons.map(
            (lesson): LessonRow => ({
              ...lesson,
              typeLabel: typeLabel(lesson.type),
              layerBadges: spans ? layerBadges(lesson.layer, book.layers) : [],
              status: statuses.get(lesson.slug) ?? null,
              groupsOpening: opening.get(lesson.slug) ?? [],
              groupDepth: paths.get(lesson.slug)?.length ?? 0,
            }),
          );
          return { ...chapter, lessons, completion: chapterCompletion(chapter.number, lessons, progress) };
        }),
      };
    }),
  };
}

/** The whole book: parts → chapters → lessons, in reading order, with the learner's progress. */
@Component({
  selector: 'lx-book-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [RouterLink],
  templateUrl: './book-page.html',
  styleUrl: './book-page.css',
})
export class BookPage {
  private readonly api = inject(ContentApi);
  private readonly progressApi = inject(ProgressApi);

  // The `id` carries the server's answer to the browser, which has it at once while hydrating.
  protected readonly book = rxResource({ id: 'lx-book', stream: () => this.api.book() });
  /** Check marks and chapter completion: the book shows without them when progress is not available. */
  private readonly progress = rxResource({
    stream: () => this.progressApi.summary().pipe(catchError(() => of(null))),
  });
  protected readonly view = computed(() =>
    this.book.hasValue() ? bookView(this.book.value(), this.progress.hasValue() ? this.progress.value() : null) : null,
  );
  private readonly fragment = toSignal(inject(ActivatedRoute).fragment, { initialValue: null });
  private readonly document = inject(DOCUMENT);
  private revealed: string | null = null;

  constructor() {
    // Title, description, canonical URL and Open Graph tags (in the server's HTML too).
    const pageMeta = inject(PageMeta);
    effect(() => {
      const book = this.book.hasValue() ? this.book.value() : null;
      pageMeta.set({
        title: book?.title ?? 'Book',
        description: book?.description || 'The book: parts, chapters and lessons in reading order.',
        path: '/book',
      });
    });
    // `/book#part-3` (the lesson breadcrumb): scroll once the tree is there.
    afterRenderEffect(() => {
      const fragment = this.fragment();
      if (!this.view() || !fragment || fragment === this.revealed) return;
      if (revealAnchor(this.document, fragment)) this.revealed = fragment;
    });
  }

  protected reload(): void {
    this.book.reload();
  }
}
