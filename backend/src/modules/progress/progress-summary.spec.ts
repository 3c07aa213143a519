import type { BookDto } from '@lectern/api-types';
import { lessonProgressOf, percentage, summarize, type ProgressRow } from './progress-summary';

const lesson = (slug: string) => ({
  slug,
  title: `Lesson ${slug}`,
  position: 0,
  type: 'lesson' as const,
  layer: 'L1',
  estimatedMinutes: 5,
});
const chapter = (number: number, slugs: string[]) => ({
  number,
  localNumber: number,
  slug: `chapter-${number}`,
  title: `Chapter ${number}`,
  partNumber: 1,
  prerequisites: [],
  overview: null,
  groups: [],
  lessons: slugs.map(lesson),
});
const BOOK: Pick<BookDto, 'parts'> = {
  parts: [
    {
      number: 1,
      slug: 'one',
      title: 'One',
      implicit: false,
      overview: null,
      layer: 'L1',
      weeks: null,
      transitionCheck: null,
      chapters: [chapter(1, ['a', 'b', 'c']), chapter(2, ['d'])],
    },
    { number: 2, slug: 'two', title: 'Two', implicit: false, overview: null, layer: 'L2', weeks: null, transitionCheck: null, chapters: [chapter(3, ['e', 'f'])] },
  ],
};

const at = (minute: number) => new Date(Date.UTC(2030, 0, 1, 12, minute));
function row(lessonSlug: string, status: ProgressRow['status'], extra: Partial<ProgressRow> = {}): ProgressRow {
  return {
    lessonSlug,
    status,
    startedAt: at(0),
    completedAt: status === 'completed' ? at(5) : null,
    timeSpentSeconds: 0,
    lastSection: null,
    updatedAt: at(0),
    ...extra,
  };
}

describe('percentage', () => {
  it.each<[number, number, number]>([
    [0, 0, 0],
    [0, 6, 0],
    [1, 3, 33.3],
    [2, 3, 66.7],
    [1, 6, 16.7],
    [6, 6, 100],
    [1, 2000, 0.1],
  ])('%i of %i = %d%%', (done, total, expected) => {
    expect(percentage(done, total)).toBe(expected);
  });
});

describe('lessonProgressOf', () => {
  it('is not_started without a row', () => {
    expect(lessonProgressOf('a', null)).toEqual({
      lessonSlug: 'a',
      status: 'not_started',
      startedAt: null,
      completedAt: null,
      timeSpentSeconds: 0,
      lastSection: null,
    });
  });

  it('gives ISO times and the stored counters', () => {
    expect(lessonProgressOf('a', row('a', 'completed', { timeSpentSeconds: 90, lastSection: 'intro' }))).toEqual({
      lessonSlug: 'a',
      status: 'completed',
      startedAt: '2030-01-01T12:00:00.000Z',
      completedAt: '2030-01-01T12:05:00.000Z',
      timeSpentSeconds: 90,
      lastSection: 'intro',
    });
  });
});

describe('summarize', () => {
  it('gives a new learner zeros, no resume and every part', () => {
    const summary = summarize(BOOK, []);
    expect(summary).toMatchObject({
      totalLessons: 6,
      completedLessons: 0,
      inProgressLessons: 0,
      completionPercentage: 0,
      totalTimeSpentSeconds: 0,
      resume: null,
      lessons: [],
    });
    expect(summary.parts.map((p) => [p.number, p.totalLessons])).toEqual([
      [1, 4],
      [2, 2],
    ]);
  });

  it('counts the book, each part and each chapter, and adds up the time', () => {
    const summary = summarize(BOOK, [
      row('a', 'completed', { timeSpentSeconds: 100 }),
      row('b', 'completed', { timeSpentSeconds: 50 }),
      row('d', 'in_progress', { timeSpentSeconds: 7 }),
      row('e', 'completed', { timeSpentSeconds: 3 }),
    ]);
    expect(summary).toMatchObject({
      totalLessons: 6,
      completedLessons: 3,
      inProgressLessons: 1,
      completionPercentage: 50,
      totalTimeSpentSeconds: 160,
    });
    expect(summary.parts).toEqual([
      {
        number: 1,
        title: 'One',
        totalLessons: 4,
        completedLessons: 2,
        inProgressLessons: 1,
        completionPercentage: 50,
        chapters: [
          { number: 1, title: 'Chapter 1', totalLessons: 3, completedLessons: 2, inProgressLessons: 0, completionPercentage: 66.7 },
          { number: 2, title: 'Chapter 2', totalLessons: 1, completedLessons: 0, inProgressLessons: 1, completionPercentage: 0 },
        ],
      },
      {
        number: 2,
        title: 'Two',
        totalLessons: 2,
        completedLessons: 1,
        inProgressLessons: 0,
        completionPercentage: 50,
        chapters: [{ number: 3, title: 'Chapter 3', totalLessons: 2, completedLessons: 1, inProgressLessons: 0, completionPercentage: 50 }],
      },
    ]);
    expect(summary.lessons).toEqual([
      { lessonSlug: 'a', status: 'completed' },
      { lessonSlug: 'b', status: 'completed' },
      { lessonSlug: 'd', status: 'in_progress' },
      { lessonSlug: 'e', status: 'completed' },
    ]);
  });

  it('ignores rows for lessons that are not in the book', () => {
    const summary = summarize(BOOK, [
      row('gone', 'completed', { timeSpentSeconds: 999 }),
      row('a', 'in_progress', { timeSpentSeconds: 1 }),
    ]);
    expect(summary).toMatchObject({ totalLessons: 6, completedLessons: 0, inProgressLessons: 1, totalTimeSpentSeconds: 1 });
    expect(summary.resume?.lessonSlug).toBe('a');
  });

  it('resumes the most recently touched lesson in progress, at its section', () => {
    const summary = summarize(BOOK, [
      row('a', 'in_progress', { updatedAt: at(10), lastSection: 'first' }),
      row('e', 'in_progress', { updatedAt: at(30), lastSection: 'where-i-was' }),
      row('c', 'in_progress', { updatedAt: at(20) }),
      row('f', 'completed', { updatedAt: at(40) }),
    ]);
    expect(summary.resume).toEqual({ lessonSlug: 'e', title: 'Lesson e', section: 'where-i-was' });
  });

  it('has nothing to resume when every opened lesson is completed', () => {
    expect(summarize(BOOK, [row('a', 'completed')]).resume).toBeNull();
  });
});
