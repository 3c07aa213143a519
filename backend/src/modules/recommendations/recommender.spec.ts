import type { LearningGoal } from '@lectern/api-types';
import { BookSourceError, readBook, validateBook } from '@lectern/content';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  canSkipFoundations,
  FOUNDATIONS_SHARE,
  goalLabel,
  layerLevel,
  listOf,
  needsFoundationsFirst,
  rankLessons,
  recommend,
  SKIP_FOUNDATIONS_REASON,
  type LearnerProfile,
  type LessonInfo,
  type ProgressStatus,
  type RecommendInput,
} from './recommender';

// ---------------------------------------------------------------------------
// A small book shaped like the sample one: L1 foundations with labs, then
// higher layers gated by chapter prerequisites.
//   Part Foundations (L1): ch1 Basics a1 a2 a3 a-lab(needs a1) · ch2 Sensing ← 1: b1 b2 b-lab(needs b1)
//   Part Simulation:       ch3 Robot Models ← 2: c1 (L2) · ch4 Control ← 3: d1 (L3, needs b2) d2 (L3)
//   Part VLA (L4):         ch5 Voice ← 4: e1
// ---------------------------------------------------------------------------

interface ChapterSpec {
  number: number;
  title: string;
  part: string;
  layer: string;
  prerequisites: number[];
  lessons: Array<[slug: string, extra?: Partial<LessonInfo>]>;
}

function bookOf(chapters: ChapterSpec[]): Pick<RecommendInput, 'lessons' | 'chapterPrerequisites'> {
  return {
    lessons: chapters.flatMap((c) =>
      c.lessons.map(([slug, extra]) => ({
        slug,
        title: `Lesson ${slug}`,
        type: 'lesson' as const,
        layer: c.layer,
        chapterNumber: c.number,
        chapterTitle: c.title,
        partTitle: c.part,
        prerequisites: [],
        goals: [],
        estimatedMinutes: 5,
        ...extra,
      })),
    ),
    chapterPrerequisites: new Map(chapters.map((c) => [c.number, c.prerequisites])),
  };
}

const BOOK = bookOf([
  {
    number: 1,
    title: 'Basics',
    part: 'Foundations',
    layer: 'L1',
    prerequisites: [],
    lessons: [
      ['a1', { goals: ['hobby', 'building_projects'] }],
      ['a2', { goals: ['research'] }],
      ['a3', { goals: ['building_projects'] }],
      ['a-lab', { type: 'lab', prerequisites: ['a1'], goals: ['hobby'] }],
    ],
  },
  {
    number: 2,
    title: 'Sensing',
    part: 'Foundations',
    layer: 'L1',
    prerequisites: [1],
    lessons: [
      ['b1', { goals: ['building_projects'] }],
      ['b2', { goals: ['research'] }],
      ['b-lab', { type: 'lab', prerequisites: ['b1'] }],
    ],
  },
  {
    number: 3,
    title: 'Robot Models',
    part: 'Simulation',
    layer: 'L2',
    prerequisites: [2],
    lessons: [['c1', { goals: ['building_projects'] }]],
  },
  {
    number: 4,
    title: 'Control',
    part: 'Simulation',
    layer: 'L3',
    prerequisites: [3],
    lessons: [
      ['d1', { prerequisites: ['b2'], goals: ['research'] }],
      ['d2', { goals: ['building_projects'] }],
    ],
  },
  { number: 5, title: 'Voice', part: 'VLA', layer: 'L4', prerequisites: [4], lessons: [['e1']] },
]);
const PART_1 = ['a1', 'a2', 'a3', 'a-lab', 'b1', 'b2', 'b-lab'];

/** An L3 chapter that needs nothing, right after an L1 one: only the profile keeps it back. */
const OPEN_L3_BOOK = bookOf([
  { number: 1, title: 'Ideas', part: 'One', layer: 'L1', prerequisites: [], lessons: [['p1'], ['p2'], ['p3'], ['p4']] },
  { number: 2, title: 'Nodes', part: 'Two', layer: 'L3', prerequisites: [], lessons: [['q1'], ['q2']] },
]);

/** Twelve plain lessons, then four whose goals differ (their sequence score is spent: only goals and order separate them). */
const GOALS_BOOK = bookOf([
  {
    number: 1,
    title: 'Warm-up',
    part: 'One',
    layer: 'L1',
    prerequisites: [],
    lessons: Array.from({ length: 12 }, (_, i): [string] => [`w${i + 1}`]),
  },
  {
    number: 2,
    title: 'Goals',
    part: 'One',
    layer: 'L1',
    prerequisites: [],
    lessons: [
      ['g-hobby', { goals: ['hobby'] }],
      ['g-research', { goals: ['research'] }],
      ['g-both', { goals: ['research', 'hobby'] }],
      ['g-none'],
    ],
  },
]);

const BEGINNER: LearnerProfile = { programmingExperience: 'none', roboticsBackground: false, learningGoals: ['hobby'] };
const NO_ROBOTICS: LearnerProfile = { programmingExperience: 'intermediate', roboticsBackground: false, learningGoals: ['research'] };
const ADVANCED: LearnerProfile = { programmingExperience: 'advanced', roboticsBackground: true, learningGoals: ['research'] };
const MIDDLE: LearnerProfile = { programmingExperience: 'intermediate', roboticsBackground: true, learningGoals: ['building_projects'] };

const completed = (...slugs: string[]): Map<string, ProgressStatus> => new Map(slugs.map((s) => [s, 'completed']));
const withStatus = (entries: Array<[string, ProgressStatus]>): Map<string, ProgressStatus> => new Map(entries);

function run(
  book: Pick<RecommendInput, 'lessons' | 'chapterPrerequisites'>,
  progress: Map<string, ProgressStatus>,
  profile: LearnerProfile | null,
  limit = 20,
) {
  return rankLessons({ ...book, progress, profile, limit });
}

interface Case {
  name: string;
  book?: Pick<RecommendInput, 'lessons' | 'chapterPrerequisites'>;
  progress: Map<string, ProgressStatus>;
  profile: LearnerProfile | null;
  /** The recommended slugs, in order (limit 20, so all of them). */
  order: string[];
  /** Reasons a given lesson must carry (exactly, in this order). */
  reasons?: Record<string, string[]>;
}

describe('recommend: table of learners', () => {
  const cases: Case[] = [
    {
      name: 'a new beginner gets the first lessons of the book, the first one first',
      progress: new Map(),
      profile: BEGINNER,
      order: ['a1', 'a2', 'a3'],
      reasons: {
        a1: ['start here: Chapter 1: Basics', 'needed before Lesson a-lab', 'matches your goal: hobby'],
        a2: ['coming up in Chapter 1: Basics'],
      },
    },
    {
      name: 'a brand-new learner without answers gets the same sensible start',
      progress: new Map(),
      profile: null,
      order: ['a1', 'a2', 'a3'],
      reasons: { a1: ['start here: Chapter 1: Basics', 'needed before Lesson a-lab'] },
    },
    {
      name: 'an in-progress lesson comes first, then the next one in sequence',
      progress: withStatus([
        ['a1', 'completed'],
        ['a2', 'in_progress'],
      ]),
      profile: BEGINNER,
      order: ['a2', 'a3', 'a-lab'],
      reasons: {
        a2: ['continue where you left off', 'needed before Lesson b1'],
        a3: ['next in Chapter 1: Basics'],
        'a-lab': ['coming up in Chapter 1: Basics', 'you finished its prerequisites', 'matches your goal: hobby'],
      },
    },
    {
      name: 'a beginner who finished the L1 part steps up to L2',
      progress: completed(...PART_1),
      profile: BEGINNER,
      order: ['c1'],
      reasons: {
        c1: ['next in Chapter 3: Robot Models', 'needed before Lesson d1', 'you finished its prerequisites', 'a step up from L1 to L2'],
      },
    },
    {
      name: 'a chapter counts as done when its non-lab lessons are (the lab can wait)',
      progress: completed('a1', 'a2', 'a3'),
      profile: null,
      order: ['a-lab', 'b1', 'b2'],
      reasons: { b1: ['coming up in Chapter 2: Sensing', 'needed before Lesson b-lab', 'you finished its prerequisites'] },
    },
    {
      name: 'unmet prerequisites: the lesson is left out and its missing prerequisite is offered instead',
      progress: completed('a2'),
      profile: null,
      order: ['a3', 'a1'],
      reasons: { a1: ['not read yet, from earlier in Chapter 1: Basics', 'needed before Lesson a-lab'] },
    },
    {
      name: 'unmet prerequisites further back: an out-of-order learner is sent back for the one lesson missing',
      progress: completed('a1', 'a2', 'a3', 'a-lab', 'b1', 'b-lab', 'c1'),
      profile: MIDDLE,
      order: ['d2', 'b2'],
      reasons: {
        d2: [
          'next in Chapter 4: Control',
          'you finished its prerequisites',
          'matches your goal: building projects',
          'a step up from L2 to L3',
        ],
        b2: ['not read yet, from earlier in Chapter 2: Sensing', 'needed before Lesson d1', 'you finished its prerequisites'],
      },
    },
    {
      name: 'an advanced learner may skip L1: the L2 start ranks ahead of the remaining L1 material, saying why',
      progress: new Map(),
      profile: ADVANCED,
      order: ['c1', 'a1', 'a2', 'a3', 'a-lab', 'b2', 'b1', 'b-lab'],
      reasons: {
        c1: ['coming up in Chapter 3: Robot Models', 'needed before Lesson d1', SKIP_FOUNDATIONS_REASON],
        a1: ['start here: Chapter 1: Basics'],
      },
    },
    {
      name: 'an advanced learner who read the L2 start steps up to L3 before going back to L1',
      progress: completed('c1'),
      profile: ADVANCED,
      order: ['d1', 'd2', 'a2', 'b2', 'a1', 'a3', 'a-lab', 'b1', 'b-lab'],
      reasons: {
        d1: [
          'next in Chapter 4: Control',
          'needed before Lesson e1',
          SKIP_FOUNDATIONS_REASON,
          'matches your goal: research',
          'a step up from L2 to L3',
        ],
      },
    },
    {
      name: 'an advanced learner who read the whole L1 part steps up from L1 (the layer actually completed)',
      progress: completed(...PART_1),
      profile: ADVANCED,
      order: ['c1'],
      reasons: {
        c1: ['next in Chapter 3: Robot Models', 'needed before Lesson d1', 'you finished its prerequisites', 'a step up from L1 to L2'],
      },
    },
    {
      name: 'a learner with no programming keeps L3 behind the L1 lessons still open',
      book: OPEN_L3_BOOK,
      progress: completed('p1'),
      profile: BEGINNER,
      order: ['p2', 'p3', 'p4', 'q1', 'q2'],
    },
    {
      name: 'a learner with no robotics background keeps L3 behind the L1 lessons too',
      book: OPEN_L3_BOOK,
      progress: new Map(),
      profile: NO_ROBOTICS,
      order: ['p1', 'p2', 'p3', 'p4', 'q1', 'q2'],
    },
    {
      name: 'an experienced learner gets the open L3 chapter mixed in by sequence and layer',
      book: OPEN_L3_BOOK,
      progress: completed('p1'),
      profile: MIDDLE,
      order: ['p2', 'p3', 'p4', 'q1', 'q2'],
    },
    {
      name: 'an advanced learner gets the open L3 chapter first, saying why',
      book: OPEN_L3_BOOK,
      progress: new Map(),
      profile: ADVANCED,
      order: ['q1', 'q2', 'p1', 'p2', 'p3', 'p4'],
      reasons: { q1: ['coming up in Chapter 2: Nodes', SKIP_FOUNDATIONS_REASON] },
    },
    {
      name: 'goals: after the next lesson, more shared goals rank higher',
      book: GOALS_BOOK,
      progress: completed(...Array.from({ length: 12 }, (_, i) => `w${i + 1}`)),
      profile: { ...MIDDLE, learningGoals: ['hobby', 'research'] },
      order: ['g-hobby', 'g-both', 'g-research', 'g-none'],
      reasons: { 'g-both': ['coming up in Chapter 2: Goals', 'matches your goals: research and hobby'] },
    },
    {
      name: 'goal ties: shared goals pull a lesson a few places forward; equal scores keep reading order',
      book: GOALS_BOOK,
      progress: new Map(),
      profile: { ...MIDDLE, learningGoals: ['hobby', 'research'] },
      // g-hobby and g-research tie (one goal each), as do w12 and g-none (none): reading order decides.
      order: ['w1', 'w2', 'w3', 'w4', 'w5', 'w6', 'w7', 'w8', 'g-both', 'w9', 'w10', 'g-hobby', 'g-research', 'w11', 'w12', 'g-none'],
    },
    {
      name: 'everything completed: nothing to recommend',
      progress: completed(...BOOK.lessons.map((l) => l.slug)),
      profile: BEGINNER,
      order: [],
    },
  ];

  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const result = run(c.book ?? BOOK, c.progress, c.profile);
    expect(result.recommendations.map((r) => r.lesson.slug)).toEqual(c.order);
    expect(result.total).toBe(c.order.length);
    for (const [slug, reasons] of Object.entries(c.reasons ?? {})) {
      expect(result.recommendations.find((r) => r.lesson.slug === slug)?.reasons).toEqual(reasons);
    }
    // Scores are what the order says they are.
    const scores = result.recommendations.map((r) => r.score);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
  });
});

describe('recommend: rules that hold for every learner', () => {
  /** Seeded, so a failure reproduces. */
  function random(seed: number): () => number {
    let a = seed >>> 0;
    return () => {
      a = (a + 0x6d2b79f5) >>> 0;
      let t = a;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }
  const profiles: Array<LearnerProfile | null> = [null, BEGINNER, NO_ROBOTICS, MIDDLE, ADVANCED];
  const lessonOf = new Map(BOOK.lessons.map((l) => [l.slug, l]));

  it('never recommends a completed lesson, always explains, and never comes back empty while something is left', () => {
    const rnd = random(42);
    for (let trial = 0; trial < 500; trial += 1) {
      const progress = new Map<string, ProgressStatus>();
      for (const l of BOOK.lessons) {
        const x = rnd();
        if (x < 0.4) progress.set(l.slug, 'completed');
        else if (x < 0.5) progress.set(l.slug, 'in_progress');
      }
      const profile = profiles[trial % profiles.length];
      const { recommendations, total } = run(BOOK, progress, profile);
      const left = BOOK.lessons.filter((l) => progress.get(l.slug) !== 'completed').length;
      expect(recommendations.length).toBe(total);
      if (left > 0) expect(recommendations.length).toBeGreaterThan(0);
      for (const r of recommendations) {
        expect(progress.get(r.lesson.slug)).not.toBe('completed');
        expect(r.reasons.length).toBeGreaterThan(0);
        // Its own lesson prerequisites are met (read, or L1 skipped by an advanced learner).
        for (const p of lessonOf.get(r.lesson.slug)?.prerequisites ?? []) {
          const skipped = canSkipFoundations(profile) && lessonOf.get(p)?.layer === 'L1';
          expect(progress.get(p) === 'completed' || skipped).toBe(true);
        }
      }
    }
  });

  it('is deterministic: same answer whatever the order the progress map was filled in', () => {
    const entries: Array<[string, ProgressStatus]> = [
      ['a1', 'completed'],
      ['b1', 'in_progress'],
      ['a3', 'completed'],
      ['a2', 'completed'],
    ];
    const first = run(BOOK, new Map(entries), MIDDLE);
    const second = run(BOOK, new Map([...entries].reverse()), MIDDLE);
    expect(second).toEqual(first);
    expect(run(BOOK, new Map(entries), MIDDLE)).toEqual(first);
  });

  it('honours the limit but counts every candidate in total', () => {
    const all = run(BOOK, new Map(), ADVANCED);
    const two = run(BOOK, new Map(), ADVANCED, 2);
    expect(two.recommendations).toEqual(all.recommendations.slice(0, 2));
    expect(two.total).toBe(all.total);
    expect(recommend({ ...BOOK, progress: new Map(), profile: ADVANCED, limit: 0 })).toEqual([]);
  });

  it('returns the lesson fields the API shows', () => {
    const [first] = recommend({ ...BOOK, progress: new Map(), profile: null, limit: 1 });
    expect(first).toMatchObject({
      lesson: { slug: 'a1', title: 'Lesson a1', layer: 'L1', type: 'lesson', estimatedMinutes: 5 },
      chapterTitle: 'Basics',
      partTitle: 'Foundations',
    });
  });

  it(`holds L3 back only until ${FOUNDATIONS_SHARE * 100}% of the L1–L2 lessons are done`, () => {
    // 10 L1 lessons and an L3 chapter open from the start; the beginner has read 7, then 8.
    const book = bookOf([
      {
        number: 1,
        title: 'Ideas',
        part: 'One',
        layer: 'L1',
        prerequisites: [],
        lessons: Array.from({ length: 10 }, (_, i): [string] => [`p${i + 1}`]),
      },
      { number: 2, title: 'Nodes', part: 'Two', layer: 'L3', prerequisites: [], lessons: [['q1']] },
    ]);
    const read = (n: number) => completed(...Array.from({ length: n }, (_, i) => `p${i + 1}`));
    const held = run(book, read(7), BEGINNER).recommendations;
    expect(held.map((r) => r.lesson.slug)).toEqual(['p8', 'p9', 'p10', 'q1']);
    expect(held.find((r) => r.lesson.slug === 'q1')?.score).toBeLessThan(200);
    const released = run(book, read(8), BEGINNER).recommendations;
    expect(released.find((r) => r.lesson.slug === 'q1')?.score).toBeGreaterThanOrEqual(200);
  });
});

describe('recommend: prerequisite cycles', () => {
  type SourceBook = Parameters<typeof validateBook>[0];

  /** Lesson b needs c, c needs b (a cycle); d needs b. Chapter 2 also needs itself. */
  const cyclic: SourceBook = {
    slug: 'cyclic-book',
    title: 'Cyclic',
    description: '',
    version: '1.0.0',
    layers: [{ id: 'L1', label: 'One' }],
    parts: [
      {
        number: 1,
        slug: 'part-one',
        title: 'Part One',
        layer: 'L1',
        chapters: [
          {
            number: 1,
            localNumber: 1,
            slug: 'one',
            title: 'One',
            prerequisites: [],
            lessons: ['a', 'b', 'c'].map((slug) => ({
              slug,
              title: slug.toUpperCase(),
              type: 'lesson' as const,
              layer: 'L1' as const,
              prerequisites: slug === 'b' ? ['c'] : slug === 'c' ? ['b'] : [],
              goals: ['hobby' as LearningGoal],
              estimatedMinutes: 3,
              markdown: `Text of ${slug}\n`,
              sourcePath: `lessons/${slug}.md`,
            })),
          },
          {
            number: 2,
            localNumber: 2,
            slug: 'two',
            title: 'Two',
            prerequisites: [2],
            lessons: [
              {
                slug: 'd',
                title: 'D',
                type: 'lesson',
                layer: 'L1',
                prerequisites: ['b'],
                goals: [],
                estimatedMinutes: 3,
                markdown: 'Text of d\n',
                sourcePath: 'lessons/d.md',
              },
            ],
          },
        ],
      },
    ],
  };

  it('is rejected by the content validation (validateBook names the cycles)', () => {
    expect(validateBook(cyclic).map((p) => p.message)).toEqual(
      expect.arrayContaining([
        expect.stringContaining('chapter prerequisites form a cycle'),
        expect.stringContaining('lesson prerequisites form a cycle'),
      ]),
    );
  });

  it('is rejected at import with a BookSourceError, so it never reaches the recommender', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lectern-cyclic-book-'));
    try {
      mkdirSync(join(dir, 'lessons'));
      for (const slug of ['a', 'b', 'c']) writeFileSync(join(dir, 'lessons', `${slug}.md`), `---\ntitle: ${slug}\n---\nText of ${slug}\n`);
      writeFileSync(
        join(dir, 'book.yaml'),
        [
          'slug: cyclic-book',
          'title: Cyclic',
          'version: 1.0.0',
          'layers:',
          '  - { id: L1, label: One }',
          'parts:',
          '  - number: 1',
          '    slug: part-one',
          '    title: Part One',
          '    layer: L1',
          '    chapters:',
          '      - number: 1',
          '        slug: one',
          '        title: One',
          '        lessons:',
          '          - { slug: a, file: lessons/a.md }',
          '          - { slug: b, file: lessons/b.md, prerequisites: [c] }',
          '          - { slug: c, file: lessons/c.md, prerequisites: [b] }',
          '',
        ].join('\n'),
      );
      const error: unknown = await readBook(dir).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(BookSourceError);
      expect((error as BookSourceError).message).toContain('lesson prerequisites form a cycle');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('does not loop on one anyway, and offers the way into the cycle', () => {
    const lessons: LessonInfo[] = cyclic.parts.flatMap((p) =>
      p.chapters.flatMap((c) => c.lessons.map((l) => ({ ...l, chapterNumber: c.number, chapterTitle: c.title, partTitle: p.title }))),
    );
    const chapterPrerequisites = new Map(
      cyclic.parts.flatMap((p) => p.chapters.map((c) => [c.number, c.prerequisites] as [number, number[]])),
    );
    const started = Date.now();
    const fresh = rankLessons({ lessons, chapterPrerequisites, progress: new Map(), profile: null, limit: 20 });
    expect(fresh.recommendations.map((r) => r.lesson.slug)).toEqual(['a', 'b']);
    expect(fresh.recommendations[1].reasons).toContain('needed before C');
    // With the cycle read around, the self-needing chapter still offers its lesson.
    const after = rankLessons({ lessons, chapterPrerequisites, progress: completed('a', 'b', 'c'), profile: null, limit: 20 });
    expect(after.recommendations.map((r) => r.lesson.slug)).toEqual(['d']);
    expect(Date.now() - started).toBeLessThan(1000);
  });
});

describe('small helpers', () => {
  it.each<[string, number]>([
    ['L1', 1],
    ['L2', 2],
    ['L5', 5],
    ['L12', 12],
    ['L0', 1],
    ['capstone', 1],
  ])('layerLevel(%s) = %i', (layer, level) => {
    expect(layerLevel(layer)).toBe(level);
  });

  it('labels goals as the questionnaire does, in lower case', () => {
    expect(['career_change', 'research', 'hobby', 'teaching', 'building_projects'].map((g) => goalLabel(g as LearningGoal))).toEqual([
      'career change',
      'research',
      'hobby',
      'teaching',
      'building projects',
    ]);
  });

  it.each<[string[], string]>([
    [[], ''],
    [['hobby'], 'hobby'],
    [['hobby', 'research'], 'hobby and research'],
    [['a', 'b', 'c'], 'a, b and c'],
  ])('listOf(%j) = %s', (items, text) => {
    expect(listOf(items)).toBe(text);
  });

  it.each<[string, boolean, boolean, LearnerProfile | null]>([
    ['no answers', false, false, null],
    ['no programming', true, false, BEGINNER],
    ['no robotics background', true, false, NO_ROBOTICS],
    ['intermediate with robotics', false, false, MIDDLE],
    ['advanced with robotics', false, true, ADVANCED],
    ['advanced without robotics', true, false, { ...ADVANCED, roboticsBackground: false }],
    ['beginner with robotics', false, false, { ...MIDDLE, programmingExperience: 'beginner' }],
  ])('%s: foundations first %s, may skip L1 %s', (_name, first, skip, profile) => {
    expect(needsFoundationsFirst(profile)).toBe(first);
    expect(canSkipFoundations(profile)).toBe(skip);
  });
});
