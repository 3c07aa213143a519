import { DOCUMENT } from '@angular/common';
import { ChangeDetectionStrategy, Component, afterRenderEffect, computed, inject } from '@angular/core';
import { rxResource, toSignal } from '@angular/core/rxjs-interop';
import { ActivatedRoute, RouterLink } from '@angular/router';
import type { BookDto, LessonSummaryDto } from '@lectern/api-types';
import { ContentApi } from '../../content/content.api';
import { type LayerBadge, layerBadges, typeLabel } from '../../content/layers';
import { revealAnchor } from '../../lesson/anchor';

interface LessonRow extends LessonSummaryDto {
  typeLabel: string | null;
  /** Only for parts that span levels, where each lesson says which it is at. */
  layerBadges: LayerBadge[];
}

function bookView(book: BookDto) {
  return {
    title: book.title,
    description: book.description,
    lessonCount: book.parts.reduce((n, p) => n + p.chapters.reduce((m, c) => m + c.lessons.length, 0), 0),
    parts: book.parts.map((part) => {
      const spans = part.layer.includes('-');
      return {
        ...part,
        layerBadges: layerBadges(part.layer, book.layers),
        chapters: part.chapters.map((chapter) => ({
          ...chapter,
          lessons: chapter.lessons.map(
            (lesson): LessonRow => ({
              ...lesson,
              typeLabel: typeLabel(lesson.type),
              layerBadges: spans ? layerBadges(lesson.layer, book.layers) : [],
            }),
          ),
        })),
      };
    }),
  };
}

/** The whole book: parts → chapters → lessons, in reading order. */
@Component({
  selector: 'lx-book-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [RouterLink],
  templateUrl: './book-page.html',
  styleUrl: './book-page.css',
})
export class BookPage {
  private readonly api = inject(ContentApi);

  protected readonly book = rxResource({ stream: () => this.api.book() });
  protected readonly view = computed(() => (this.book.hasValue() ? bookView(this.book.value()) : null));
  private readonly fragment = toSignal(inject(ActivatedRoute).fragment, { initialValue: null });
  private readonly document = inject(DOCUMENT);
  private revealed: string | null = null;

  constructor() {
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
