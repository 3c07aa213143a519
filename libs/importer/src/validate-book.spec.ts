import type { LearningGoal } from '@lectern/api-types';
import { BookSourceError, type SourceBook, type SourceChapter, type SourceLesson } from './book-source.types';
import { assertValidBook, findCycles, validateBook } from './validate-book';

function lesson(slug: string, extra: Partial<SourceLesson> = {}): SourceLesson {
  return {
    slug,
    title: slug,
    type: 'lesson',
    layer: 'L1',
    prerequisites: [],
    goals: ['hobby'],
    estimatedMinutes: 3,
    markdown: 'Text\n',
    sourcePath: `lessons/${slug}.md`,
    ...extra,
  };
}

function chapter(number: number, localNumber: number, prerequisites: number[], lessons: SourceLesson[]): SourceChapter {
  return { number, localNumber, slug: `chapter-${number}`, title: `Chapter ${number}`, prerequisites, lessons };
}

/** Two parts: L1 with chapters 1-2, L2-L3 with chapters 3-5. */
function book(): SourceBook {
  return {
    slug: 'test-book',
    title: 'Test Book',
    description: '',
    version: '1.0.0',
    layers: [
      { id: 'L1', label: 'One' },
      { id: 'L2', label: 'Two' },
      { id: 'L3', label: 'Three' },
    ],
    parts: [
      {
        number: 1,
        slug: 'part-one',
        title: 'Part One',
        layer: 'L1',
        chapters: [chapter(1, 1, [], [lesson('a'), lesson('b', { prerequisites: ['a'] })]), chapter(2, 2, [1], [lesson('c')])],
      },
      {
        number: 2,
        slug: 'part-two',
        title: 'Part Two',
        layer: 'L2-L3',
        chapters: [
          chapter(3, 1, [2], [lesson('d', { layer: 'L2' })]),
          chapter(4, 2, [3], [lesson('e', { layer: 'L3' })]),
          chapter(5, 3, [4], [lesson('f', { layer: 'L3' })]),
        ],
      },
    ],
  };
}

const chapterOf = (b: SourceBook, number: number): SourceChapter => {
  const found = b.parts.flatMap((p) => p.chapters).find((c) => c.number === number);
  if (!found) throw new Error(`no chapter ${number}`);
  return found;
};
const lessonOf = (b: SourceBook, slug: string): SourceLesson => {
  const found = b.parts.flatMap((p) => p.chapters.flatMap((c) => c.lessons)).find((l) => l.slug === slug);
  if (!found) throw new Error(`no lesson ${slug}`);
  return found;
};
const messages = (b: SourceBook): string[] => validateBook(b, { bookPath: 'book.yaml' }).map((p) => p.message);

describe('validateBook', () => {
  it('accepts a consistent book', () => {
    expect(validateBook(book())).toEqual([]);
    expect(() => assertValidBook(book())).not.toThrow();
  });

  it('rejects a chapter prerequisite cycle and names it as a path', () => {
    const b = book();
    chapterOf(b, 4).prerequisites = [3, 5];
    expect(messages(b)).toEqual(['chapter prerequisites form a cycle: 4 → 5 → 4']);
  });

  it('rejects a reference to a missing chapter or lesson', () => {
    const b = book();
    chapterOf(b, 2).prerequisites = [1, 42];
    lessonOf(b, 'c').prerequisites = ['a', 'no-such-lesson'];
    const problems = validateBook(b, { bookPath: 'book.yaml' });
    expect(problems).toEqual([
      { path: 'book.yaml', message: 'chapter 2 (chapter-2) needs chapter 42, which does not exist' },
      { path: 'lessons/c.md', message: 'lesson "c" needs lesson "no-such-lesson", which does not exist' },
    ]);
  });

  it('rejects lesson prerequisite cycles, including a lesson needing itself', () => {
    const b = book();
    lessonOf(b, 'a').prerequisites = ['c'];
    lessonOf(b, 'c').prerequisites = ['b'];
    lessonOf(b, 'f').prerequisites = ['f'];
    expect(messages(b)).toEqual(['lesson prerequisites form a cycle: a → c → b → a', 'lesson prerequisites form a cycle: f → f']);
  });

  it('rejects duplicate and non-URL-safe lesson slugs', () => {
    const b = book();
    lessonOf(b, 'e').slug = 'a';
    lessonOf(b, 'f').slug = 'Not Safe';
    expect(messages(b)).toEqual(['lesson "a": slug is already used by lessons/a.md', 'lesson "Not Safe": slug is not URL-safe (lowercase letters, digits, single dashes)']);
  });

  it("rejects layers outside the book's layers or outside the part's range, and unknown goals", () => {
    const b = book();
    lessonOf(b, 'a').layer = 'L9';
    lessonOf(b, 'd').layer = 'L1';
    lessonOf(b, 'e').goals = ['fame' as LearningGoal];
    lessonOf(b, 'f').goals = [];
    expect(messages(b)).toEqual([
      'lesson "a": layer L9 is not one of the book\'s layers (L1, L2, L3)',
      "lesson \"d\": layer L1 is outside its part's layers (L2-L3)",
      'lesson "e": unknown goal fame',
      'lesson "f": has no goals',
    ]);
  });

  it('a book without layers has null layers (valid); a book with layers needs one on every part and lesson', () => {
    const none = book();
    none.layers = [];
    for (const part of none.parts) {
      part.layer = null;
      for (const lesson of part.chapters.flatMap((c) => c.lessons)) lesson.layer = null;
    }
    expect(messages(none)).toEqual([]);
    const b = book();
    lessonOf(b, 'a').layer = null;
    b.parts[1].layer = null;
    expect(messages(b)).toEqual(['part 2 (part-two): has no layer, but the book declares layers (L1, L2, L3)', 'lesson "a": has no layer, but the book declares layers (L1, L2, L3)']);
  });

  it('rejects chapter numbers that repeat or do not ascend, and wrong local numbers', () => {
    const b = book();
    chapterOf(b, 5).number = 3;
    chapterOf(b, 4).localNumber = 7;
    expect(messages(b)).toEqual(
      expect.arrayContaining([
        'chapter number 3 is used twice',
        'chapter 4 (chapter-4): localNumber is 7, expected 2 (its place in part 2)',
      ]),
    );
  });

  it('rejects a part layer the book does not define and a book without lessons', () => {
    const b = book();
    b.parts[1].layer = 'L2-L4';
    expect(messages(b)).toContain("part 2 (part-two): layer L4 is not one of the book's layers (L1, L2, L3)");
    const empty = book();
    for (const part of empty.parts) for (const c of part.chapters) c.lessons = [];
    expect(messages(empty)).toContain('the book has no lessons');
  });

  it('throws one BookSourceError listing every problem', () => {
    const b = book();
    chapterOf(b, 3).prerequisites = [2, 5];
    lessonOf(b, 'b').prerequisites = ['zzz'];
    let error: unknown;
    try {
      assertValidBook(b, { bookPath: 'book.yaml' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(BookSourceError);
    const bookError = error as BookSourceError;
    expect(bookError.problems).toHaveLength(2);
    expect(bookError.message).toContain('Book "test-book" cannot be imported (2 problems)');
    expect(bookError.message).toContain('book.yaml: chapter prerequisites form a cycle: 3 → 5 → 4 → 3');
    expect(bookError.message).toContain('lessons/b.md: lesson "b" needs lesson "zzz", which does not exist');
  });

  it('does not change the book', () => {
    const b = book();
    chapterOf(b, 4).prerequisites = [5];
    chapterOf(b, 5).prerequisites = [4];
    const before = JSON.stringify(b);
    validateBook(b);
    expect(JSON.stringify(b)).toBe(before);
  });
});

describe('findCycles', () => {
  it('reports each cycle once, however it is entered', () => {
    const edges: Record<string, string[]> = { a: ['b'], b: ['c'], c: ['a'], d: ['b', 'e'], e: ['e'] };
    expect(findCycles(['d', 'a', 'b', 'c', 'e'], (n) => edges[n] ?? [])).toEqual([
      ['b', 'c', 'a', 'b'],
      ['e', 'e'],
    ]);
  });

  it('finds nothing in a DAG', () => {
    const edges: Record<number, number[]> = { 1: [], 2: [1], 3: [1], 4: [2, 3] };
    expect(findCycles([4, 3, 2, 1], (n) => edges[n] ?? [])).toEqual([]);
  });
});
