import type {
  BookDto,
  CompletionCounts,
  LessonProgressDto,
  LessonStatusDto,
  ProgressSummaryDto,
  ResumeDto,
  StoredLessonStatus,
} from '@lectern/api-types';

/** The part of a stored progress row the summary needs. */
export interface ProgressRow {
  lessonSlug: string;
  status: StoredLessonStatus;
  startedAt: Date;
  completedAt: Date | null;
  timeSpentSeconds: number;
  lastSection: string | null;
  updatedAt: Date;
}

/** done / total as a percentage rounded to one decimal (0 for an empty total). */
export function percentage(done: number, total: number): number {
  if (total <= 0) return 0;
  return Math.round((done / total) * 1000) / 10;
}

/** The API view of one lesson's progress; `not_started` when there is no row. */
export function lessonProgressOf(lessonSlug: string, row: ProgressRow | null): LessonProgressDto {
  if (!row) return { lessonSlug, status: 'not_started', startedAt: null, completedAt: null, timeSpentSeconds: 0, lastSection: null };
  return {
    lessonSlug,
    status: row.status,
    startedAt: row.startedAt.toISOString(),
    completedAt: row.completedAt ? row.completedAt.toISOString() : null,
    timeSpentSeconds: row.timeSpentSeconds,
    lastSection: row.lastSection,
  };
}

class Counter {
  total = 0;
  completed = 0;
  inProgress = 0;

  add(status: StoredLessonStatus | undefined): void {
    this.total += 1;
    if (status === 'completed') this.completed += 1;
    else if (status === 'in_progress') this.inProgress += 1;
  }

  counts(): CompletionCounts {
    return {
      totalLessons: this.total,
      completedLessons: this.completed,
      inProgressLessons: this.inProgress,
      completionPercentage: percentage(this.completed, this.total),
    };
  }
}

/**
 * The Progress page: totals over the current book's lessons only (rows for
 * lessons not in the book are ignored), per part and per chapter, the time
 * spent, and where to resume: the most recently touched lesson still in
 * progress (ties: the later one in reading order).
 */
export function summarize(book: Pick<BookDto, 'parts'>, rows: readonly ProgressRow[]): ProgressSummaryDto {
  const bySlug = new Map(rows.map((r) => [r.lessonSlug, r]));
  const whole = new Counter();
  let totalTimeSpentSeconds = 0;
  let resume: { row: ProgressRow; title: string } | null = null;
  const lessons: LessonStatusDto[] = [];

  const parts = book.parts.map((part) => {
    const partCounter = new Counter();
    const chapters = part.chapters.map((chapter) => {
      const chapterCounter = new Counter();
      for (const lesson of chapter.lessons) {
        const row = bySlug.get(lesson.slug);
        chapterCounter.add(row?.status);
        partCounter.add(row?.status);
        whole.add(row?.status);
        if (!row) continue;
        totalTimeSpentSeconds += row.timeSpentSeconds;
        lessons.push({ lessonSlug: lesson.slug, status: row.status });
        if (row.status === 'in_progress' && (!resume || row.updatedAt.getTime() >= resume.row.updatedAt.getTime())) {
          resume = { row, title: lesson.title };
        }
      }
      return { number: chapter.number, title: chapter.title, ...chapterCounter.counts() };
    });
    return { number: part.number, title: part.title, ...partCounter.counts(), chapters };
  });

  const found = resume as { row: ProgressRow; title: string } | null;
  const resumeDto: ResumeDto | null = found
    ? { lessonSlug: found.row.lessonSlug, title: found.title, section: found.row.lastSection }
    : null;
  return { ...whole.counts(), totalTimeSpentSeconds, resume: resumeDto, parts, lessons };
}
