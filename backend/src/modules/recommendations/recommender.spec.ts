import type { LearningGoal } from '@lectern/api-types';
import { BookSourceError, readBook, validateBook } from '@lectern/content';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  followsTheBook,
  goalLabel,
  listOf,
  rankLessons,
  recommend,
  REASON_TEXTS,
  WEIGHTS,
  type LearnerProfile,
  type LessonInfo,
  type ProgressStatus,
  type RecommendInput,
} from './recommender';

type Book = Pick<RecommendInput, 'lessons' | 'chapterPrerequisites'>;

// ---------------------------------------------------------------------------
// A small book shaped like the sample one, with labs and prerequisites:
//   Part Foundations: ch1 Basics a1 a2 a3 a-lab(needs a1) · ch2 Sensing ← 1: b1 b2 b-lab(needs b1)
//   Part Simulation:  ch3 Robot Models ← 2: c1 · ch4 Control ← 3: d1 (needs b2) d2
//   Part VLA:         ch5 Voice ← 4: e1
// ---------------------------------------------------------------------------

interface ChapterSpec {
  number: number;
  title: string;
  part: string;
  layer?: string | null;
  prerequisites: number[];
  lessons: Array<[slug: string, extra?: Partial<LessonInfo>]>;
}

function bookOf(chapters: ChapterSpec[]): Book {
  return {
    lessons: chapters.flatMap((c) =>
      c.lessons.map(([slug, extra]) => ({
        slug,
        title: `Lesson ${slug}`,
        type: 'lesson' as const,
        layer: c.layer === undefined ? 'L1' : c.layer,
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

/** A second chapter that needs nothing, right after the first: only the learner's pace keeps it back. */
const OPEN_BOOK = bookOf([
  { number: 1, title: 'Ideas', part: 'One', prerequisites: [], lessons: [['p1'], ['p2'], ['p3'], ['p4']] },
  { number: 2, title: 'Nodes', part: 'Two', layer: 'L3', prerequisites: [], lessons: [['q1', { goals: ['building_projects'] }], ['q2']] },
]);

/** Twelve plain lessons, then four whose goals differ (their sequence score is spent: only goals and order separate them). */
const GOALS_BOOK = bookOf([
  { number: 1, title: 'Warm-up', part: 'One', prerequisites: [], lessons: Array.from({ length: 12 }, (_, i): [string] => [`w${i + 1}`]) },
  {
    number: 2,
    title: 'Goals',
    part: 'One',
    prerequisites: [],
    lessons: [
      ['g-hobby', { goals: ['hobby'] }],
      ['g-research', { goals: ['research'] }],
      ['g-both', { goals: ['research', 'hobby'] }],
      ['g-none'],
    ],
  },
]);

const BEGINNER: LearnerProfile = {
  educationLevel: 'high_school',
  programmingExperience: 'none',
  roboticsBackground: false,
  aiMlExperience: 'none',
  learningGoals: ['hobby'],
  preferredLanguage: 'en',
};
const NO_ROBOTICS: LearnerProfile = {
  educationLevel: 'undergraduate',
  programmingExperience: 'intermediate',
  roboticsBackground: false,
  aiMlExperience: 'basic',
  learningGoals: ['research'],
  preferredLanguage: 'en',
};
const ML_ENGINEER: LearnerProfile = { ...NO_ROBOTICS, educationLevel: 'professional', aiMlExperience: 'advanced' };
const MIDDLE: LearnerProfile = {
  educationLevel: 'undergraduate',
  programmingExperience: 'intermediate',
  roboticsBackground: true,
  aiMlExperience: 'basic',
  learningGoals: ['building_projects'],
  preferredLanguage: 'en',
};
const ADVANCED: LearnerProfile = {
  educationLevel: 'graduate',
  programmingExperience: 'advanced',
  roboticsBackground: true,
  aiMlExperience: 'advanced',
  learningGoals: ['research'],
  preferredLanguage: 'en',
};
const URDU_BEGINNER: LearnerProfile = { ...BEGINNER, learningGoals: ['hobby', 'building_projects'], preferredLanguage: 'ur' };
const PROFILES: Array<LearnerProfile | null> = [
  null,
  BEGINNER,
  NO_ROBOTICS,
  ML_ENGINEER,
  MIDDLE,
  ADVANCED,
  URDU_BEGINNER,
  { ...ADVANCED, preferredLanguage: 'ur' },
];

const completed = (...slugs: string[]): Map<string, ProgressStatus> => new Map(slugs.map((s) => [s, 'completed']));
const withStatus = (entries: Array<[string, ProgressStatus]>): Map<string, ProgressStatus> => new Map(entries);

function run(book: Book, progress: Map<string, ProgressStatus>, profile: LearnerProfile | null, limit = 20) {
  return rankLessons({ ...book, progress, profile, limit });
}

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

/** Random progress over a book: about 40% completed, 10% in progress. */
function randomProgress(book: Book, rnd: () => number): Map<string, ProgressStatus> {
  const progress = new Map<string, ProgressStatus>();
  for (const l of book.lessons) {
    const x = rnd();
    if (x < 0.4) progress.set(l.slug, 'completed');
    else if (x < 0.5) progress.set(l.slug, 'in_progress');
  }
  return progress;
}

interface Case {
  name: string;
  book?: Book;
  progress: Map<string, ProgressStatus>;
  profile: LearnerProfile | null;
  /** The recommended slugs, in order (limit 20, so all of them). */
  order: string[];
  /** Reasons a given lesson must carry (exactly, in this order). */
  reasons?: Record<string, string[]>;
  /** Lessons ranked later for this learner (tier 1xx). */
  later?: string[];
}

describe('recommend: table of learners', () => {
  const cases: Case[] = [
    {
      name: 'a new beginner gets the first lessons of the book, the first one first',
      progress: new Map(),
      profile: BEGINNER,
      order: ['a1', 'a2', 'a3'],
      reasons: {
        a1: ['Start here: Chapter 1: Basics', 'Matches your goal: hobby'],
        a2: ['Coming up in Chapter 1: Basics'],
      },
    },
    {
      name: 'a brand-new learner without answers gets the same start',
      progress: new Map(),
      profile: null,
      order: ['a1', 'a2', 'a3'],
      reasons: { a1: ['Start here: Chapter 1: Basics'] },
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
        a2: ['Continue where you left off'],
        a3: ['Next in Chapter 1: Basics'],
        'a-lab': ['Coming up in Chapter 1: Basics', 'Matches your goal: hobby'],
      },
    },
    {
      name: 'a beginner who finished Part 1 moves on to Chapter 3',
      progress: completed(...PART_1),
      profile: BEGINNER,
      order: ['c1'],
      reasons: { c1: ['Next in Chapter 3: Robot Models'] },
    },
    {
      name: 'a chapter counts as done when its non-lab lessons are (the lab can wait)',
      progress: completed('a1', 'a2', 'a3'),
      profile: null,
      order: ['a-lab', 'b1', 'b2'],
      reasons: {
        'a-lab': ['Next in Chapter 1: Basics'],
        b1: ['Coming up in Chapter 2: Sensing', 'Needed before “Lesson b-lab”'],
      },
    },
    {
      name: 'unmet prerequisites: the lesson is left out and its missing prerequisite is offered, saying why',
      progress: completed('a2'),
      profile: null,
      order: ['a3', 'a1'],
      reasons: { a1: ['Not read yet, from earlier in the book: Chapter 1: Basics', 'Needed before “Lesson a-lab”'] },
    },
    {
      name: 'an out-of-order learner continues where they are, and is sent back for the one lesson missing',
      progress: completed('a1', 'a2', 'a3', 'a-lab', 'b1', 'b-lab', 'c1'),
      profile: MIDDLE,
      order: ['d2', 'b2'],
      reasons: {
        d2: ['Next in Chapter 4: Control', 'Matches your goal: building projects'],
        b2: ['Not read yet, from earlier in the book: Chapter 2: Sensing', 'Needed before “Lesson d1”'],
      },
    },
    {
      name: 'a lesson opened out of order stays first, says what it builds on, and the way to it follows',
      progress: withStatus([['d1', 'in_progress']]),
      profile: BEGINNER,
      order: ['d1', 'a1', 'a2', 'a3'],
      reasons: {
        d1: ['Continue where you left off', 'Builds on “Lesson b2”, which you have not read yet'],
        a1: ['Next in Chapter 1: Basics', 'Matches your goal: hobby'],
      },
    },
    {
      name: 'a book-following learner gets an open chapter after the one they are reading later, saying which comes first',
      book: OPEN_BOOK,
      progress: completed('p1'),
      profile: { ...BEGINNER, learningGoals: ['building_projects'] },
      order: ['p2', 'p3', 'p4', 'q1', 'q2'],
      later: ['q1', 'q2'],
      reasons: {
        q1: [
          'Later in the book: Chapter 2: Nodes',
          'Best read after Chapter 1: Ideas, which comes first',
          'Matches your goal: building projects',
        ],
        q2: ['Later in the book: Chapter 2: Nodes', 'Best read after Chapter 1: Ideas, which comes first'],
      },
    },
    {
      name: 'without a robotics background or AI/ML experience, the open chapter waits too',
      book: OPEN_BOOK,
      progress: new Map(),
      profile: NO_ROBOTICS,
      order: ['p1', 'p2', 'p3', 'p4', 'q1', 'q2'],
      later: ['q1', 'q2'],
    },
    {
      name: 'an experienced learner may take the open chapter early when it matches their goals (after the next lesson)',
      book: OPEN_BOOK,
      progress: completed('p1'),
      profile: MIDDLE,
      // p2 next (64); p3 30, q1 24 + 5 (goal) = 29 ahead of p4 27; q2 21.
      order: ['p2', 'p3', 'q1', 'p4', 'q2'],
      reasons: { q1: ['Coming up in Chapter 2: Nodes', 'Matches your goal: building projects'] },
    },
    {
      name: 'AI/ML experience stands in for a robotics background: an ML engineer is not held back',
      book: OPEN_BOOK,
      progress: new Map(),
      profile: ML_ENGINEER,
      order: ['p1', 'p2', 'p3', 'p4', 'q1', 'q2'],
      later: [],
    },
    {
      name: 'goals: after the next lesson, more shared goals rank higher',
      book: GOALS_BOOK,
      progress: completed(...Array.from({ length: 12 }, (_, i) => `w${i + 1}`)),
      profile: { ...MIDDLE, learningGoals: ['hobby', 'research'] },
      // g-hobby next (64 + 5); g-both 27 + 10; g-research 30 + 5; g-none 24.
      order: ['g-hobby', 'g-both', 'g-research', 'g-none'],
      reasons: { 'g-both': ['Coming up in Chapter 2: Goals', 'Matches your goals: research and hobby'] },
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
    if (c.later) {
      const later = result.recommendations.filter((r) => r.score < WEIGHTS.tier.open).map((r) => r.lesson.slug);
      expect(later).toEqual(c.later);
    }
    // Scores are what the order says they are.
    const scores = result.recommendations.map((r) => r.score);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
  });
});

describe('recommend: rules that hold for every learner', () => {
  const lessonOf = new Map(BOOK.lessons.map((l) => [l.slug, l]));

  it('never recommends a completed lesson, always explains, keeps opened lessons, and never comes back empty while something is left', () => {
    const rnd = random(42);
    for (let trial = 0; trial < 500; trial += 1) {
      const progress = randomProgress(BOOK, rnd);
      const profile = PROFILES[trial % PROFILES.length];
      const { recommendations, total } = run(BOOK, progress, profile);
      const left = BOOK.lessons.filter((l) => progress.get(l.slug) !== 'completed').length;
      expect(recommendations.length).toBe(total);
      if (left > 0) expect(recommendations.length).toBeGreaterThan(0);
      const slugs = recommendations.map((r) => r.lesson.slug);
      for (const [slug, status] of progress) if (status === 'in_progress') expect(slugs).toContain(slug);
      for (const r of recommendations) {
        expect(progress.get(r.lesson.slug)).not.toBe('completed');
        expect(r.reasons.length).toBeGreaterThan(0);
        if (progress.get(r.lesson.slug) === 'in_progress') continue;
        // Anything not opened has its own lesson prerequisites read.
        for (const p of lessonOf.get(r.lesson.slug)?.prerequisites ?? []) expect(progress.get(p)).toBe('completed');
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
    const progress = completed('w1');
    const all = run(GOALS_BOOK, progress, MIDDLE);
    const two = run(GOALS_BOOK, progress, MIDDLE, 2);
    expect(all.recommendations.length).toBeGreaterThan(2);
    expect(two.recommendations.map((r) => r.lesson.slug)).toEqual(all.recommendations.slice(0, 2).map((r) => r.lesson.slug));
    expect(two.total).toBe(all.total);
    expect(recommend({ ...GOALS_BOOK, progress, profile: MIDDLE, limit: 0 })).toEqual([]);
  });

  it('returns the lesson fields the API shows', () => {
    const [first] = recommend({ ...BOOK, progress: new Map(), profile: null, limit: 1 });
    expect(first).toMatchObject({
      lesson: { slug: 'a1', title: 'Lesson a1', layer: 'L1', type: 'lesson', estimatedMinutes: 5 },
      chapterTitle: 'Basics',
      partTitle: 'Foundations',
    });
  });

  it('drops a reason every card would carry (filler), but keeps it on a card of its own', () => {
    const book = bookOf([
      {
        number: 1,
        title: 'All hobby',
        part: 'One',
        prerequisites: [],
        lessons: [
          ['h1', { goals: ['hobby'] }],
          ['h2', { goals: ['hobby'] }],
          ['h3', { goals: ['hobby'] }],
        ],
      },
    ]);
    const three = run(book, new Map(), BEGINNER);
    expect(three.recommendations.map((r) => r.reasons)).toEqual([
      ['Start here: Chapter 1: All hobby'],
      ['Coming up in Chapter 1: All hobby'],
      ['Coming up in Chapter 1: All hobby'],
    ]);
    expect(run(book, new Map(), BEGINNER, 1).recommendations[0].reasons).toEqual([
      'Start here: Chapter 1: All hobby',
      'Matches your goal: hobby',
    ]);
  });
});

describe('recommend: the sample book (content/)', () => {
  const SAMPLE_BOOK = resolve(__dirname, '../../../../content');
  let book: Book;
  let chapterOf: Map<string, number>;
  let titleOf: Map<string, string>;

  beforeAll(async () => {
    const { book: source } = await readBook(SAMPLE_BOOK);
    book = {
      lessons: source.parts.flatMap((p) =>
        p.chapters.flatMap((c) =>
          c.lessons.map((l): LessonInfo => ({
            slug: l.slug,
            title: l.title,
            type: l.type,
            layer: l.layer,
            chapterNumber: c.number,
            chapterTitle: c.title,
            partTitle: p.title,
            prerequisites: l.prerequisites,
            goals: l.goals,
            estimatedMinutes: l.estimatedMinutes,
          })),
        ),
      ),
      chapterPrerequisites: new Map(source.parts.flatMap((p) => p.chapters.map((c) => [c.number, c.prerequisites] as [number, number[]]))),
    };
    chapterOf = new Map(book.lessons.map((l) => [l.slug, l.chapterNumber]));
    titleOf = new Map(book.lessons.map((l) => [l.slug, l.title]));
  });

  const chapterNumber = (slug: string): number => chapterOf.get(slug) ?? Number.NaN;
  const inChapters = (...chapters: number[]) => book.lessons.filter((l) => chapters.includes(l.chapterNumber)).map((l) => l.slug);

  it('is the book the issue describes: layers are topic areas that do not rise in reading order', () => {
    const layers = book.lessons.map((l) => Number(l.layer?.slice(1)));
    expect(layers.some((layer, i) => i > 0 && layer < layers[i - 1])).toBe(true);
    expect(inChapters(1, 2, 3, 4).length).toBeGreaterThan(10);
  });

  it.each([
    ['a new beginner', BEGINNER],
    ['a new Urdu-speaking beginner', URDU_BEGINNER],
    ['a learner who has not answered yet', null],
  ])('%s, reading the first card each time, is led through Chapters 1–4 in reading order', (_name, profile) => {
    const progress = new Map<string, ProgressStatus>();
    const read: string[] = [];
    for (let step = 0; step < book.lessons.length; step += 1) {
      const { recommendations } = run(book, progress, profile, 5);
      const [first] = recommendations;
      if (chapterNumber(first.lesson.slug) > 4) break;
      // The whole list follows the book: chapters never go backwards down the list.
      const chapters = recommendations.map((r) => chapterNumber(r.lesson.slug));
      expect([...chapters].sort((a, b) => a - b)).toEqual(chapters);
      // A beginner's list is the book's own order, goals or not.
      if (profile) {
        const positions = recommendations.map((r) => book.lessons.findIndex((l) => l.slug === r.lesson.slug));
        expect([...positions].sort((a, b) => a - b)).toEqual(positions);
      }
      read.push(first.lesson.slug);
      progress.set(first.lesson.slug, 'completed');
    }
    expect(read).toEqual(inChapters(1, 2, 3, 4));
  });

  it('after Chapter 6 the next card is in Chapter 7, for every learner', () => {
    const progress = completed(...inChapters(1, 2, 3, 4, 5, 6));
    for (const profile of PROFILES) {
      const { recommendations } = run(book, progress, profile, 5);
      expect(recommendations.map((r) => chapterOf.get(r.lesson.slug))).toEqual([7, 8]);
      expect(recommendations[0].reasons[0]).toBe(
        profile?.preferredLanguage === 'ur'
          ? REASON_TEXTS.ur.next(REASON_TEXTS.ur.chapter(7, 'Bridging AI Agents to ROS 2'))
          : 'Next in Chapter 7: Bridging AI Agents to ROS 2',
      );
    }
    // A book-following beginner gets Chapter 8 only later; the others get it open, after Chapter 7.
    expect(run(book, progress, BEGINNER).recommendations[1].score).toBeLessThan(WEIGHTS.tier.open);
    expect(run(book, progress, ADVANCED).recommendations[1].score).toBeGreaterThanOrEqual(WEIGHTS.tier.open);
  });

  it.each([
    ['English', BEGINNER],
    ['Urdu', URDU_BEGINNER],
  ])('a lesson opened directly with unmet prerequisites stays first, saying what it builds on (%s)', (language, profile) => {
    const texts = REASON_TEXTS[language === 'Urdu' ? 'ur' : 'en'];
    const progress = withStatus([['connecting-an-ai-agent-to-ros2', 'in_progress']]);
    const { recommendations } = run(book, progress, profile, 5);
    expect(recommendations.map((r) => r.lesson.slug).slice(0, 2)).toEqual(['connecting-an-ai-agent-to-ros2', 'digital-ai-vs-physical-ai']);
    expect(recommendations[0].reasons.slice(0, 2)).toEqual([
      texts.continue,
      texts.buildsOn(titleOf.get('your-first-ros2-python-package') ?? 'missing'),
    ]);
    // It stays as the learner reads on, until it is completed.
    progress.set('digital-ai-vs-physical-ai', 'completed');
    expect(run(book, progress, profile, 5).recommendations[0].lesson.slug).toBe('connecting-an-ai-agent-to-ros2');
    progress.set('connecting-an-ai-agent-to-ros2', 'completed');
    expect(run(book, progress, profile, 20).recommendations.map((r) => r.lesson.slug)).not.toContain('connecting-an-ai-agent-to-ros2');
  });

  it("gives an Urdu learner every reason in Urdu (only the book's own titles stay as written), one for one with the English", () => {
    const titles = [...new Set(book.lessons.flatMap((l) => [l.title, l.chapterTitle]))].sort((a, b) => b.length - a.length);
    const rnd = random(7);
    let checked = 0;
    for (let trial = 0; trial < 200; trial += 1) {
      const progress = randomProgress(book, rnd);
      const english =
        trial % 2 === 0 ? { ...URDU_BEGINNER, preferredLanguage: 'en' as const } : { ...ADVANCED, preferredLanguage: 'en' as const };
      const urdu = { ...english, preferredLanguage: 'ur' as const };
      const en = run(book, progress, english).recommendations;
      const ur = run(book, progress, urdu).recommendations;
      expect(ur.map((r) => [r.lesson.slug, r.score, r.reasons.length])).toEqual(en.map((r) => [r.lesson.slug, r.score, r.reasons.length]));
      for (const r of ur) {
        for (const reason of r.reasons) {
          const words = titles.reduce((text, title) => text.split(title).join(' '), reason);
          expect(reason).toMatch(/[\u0600-\u06FF]/);
          expect(words).not.toMatch(/[A-Za-z]/);
          checked += 1;
        }
      }
    }
    expect(checked).toBeGreaterThan(500);
  });

  it('never shows a layer code, nor a reason other than the first on every card', () => {
    const rnd = random(11);
    for (let trial = 0; trial < 400; trial += 1) {
      const progress = trial % 4 === 0 ? new Map<string, ProgressStatus>() : randomProgress(book, rnd);
      const { recommendations } = run(book, progress, PROFILES[trial % PROFILES.length], 5);
      for (const r of recommendations) for (const reason of r.reasons) expect(reason).not.toMatch(/\bL[1-5]\b/);
      if (recommendations.length < 2) continue;
      const everywhere = recommendations[0].reasons
        .slice(1)
        .filter((reason) => recommendations.every((r) => r.reasons.indexOf(reason) > 0));
      expect(everywhere).toEqual([]);
    }
  });

  it('works on a book without layers, and layers change nothing', () => {
    const flat: Book = { ...book, lessons: book.lessons.map((l) => ({ ...l, layer: null })) };
    const rnd = random(5);
    for (let trial = 0; trial < 100; trial += 1) {
      const progress = trial === 0 ? new Map<string, ProgressStatus>() : randomProgress(book, rnd);
      const profile = PROFILES[trial % PROFILES.length];
      const withLayers = run(book, progress, profile);
      const without = run(flat, progress, profile);
      expect(without.recommendations.every((r) => r.lesson.layer === null)).toBe(true);
      expect(without).toEqual({
        ...withLayers,
        recommendations: withLayers.recommendations.map((r) => ({ ...r, lesson: { ...r.lesson, layer: null } })),
      });
    }
    expect(run(flat, new Map(), BEGINNER).recommendations[0].lesson.slug).toBe('digital-ai-vs-physical-ai');
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
    expect(fresh.recommendations[1].reasons).toContain('Needed before “C”');
    // With the cycle read around, the self-needing chapter still offers its lesson.
    const after = rankLessons({ lessons, chapterPrerequisites, progress: completed('a', 'b', 'c'), profile: null, limit: 20 });
    expect(after.recommendations.map((r) => r.lesson.slug)).toEqual(['d']);
    expect(Date.now() - started).toBeLessThan(1000);
  });
});

describe('small helpers', () => {
  it('labels goals as the questionnaire does, in English and in Urdu', () => {
    const goals: LearningGoal[] = ['career_change', 'research', 'hobby', 'teaching', 'building_projects'];
    expect(goals.map((g) => goalLabel(g))).toEqual(['career change', 'research', 'hobby', 'teaching', 'building projects']);
    for (const label of goals.map((g) => goalLabel(g, 'ur'))) expect(label).toMatch(/^[\u0600-\u06FF ]+$/);
  });

  it.each<[string[], string, string]>([
    [[], '', ''],
    [['hobby'], 'hobby', 'hobby'],
    [['hobby', 'research'], 'hobby and research', 'hobby اور research'],
    [['a', 'b', 'c'], 'a, b and c', 'a، b اور c'],
  ])('listOf(%j) = %s', (items, english, urdu) => {
    expect(listOf(items)).toBe(english);
    expect(listOf(items, 'ur')).toBe(urdu);
  });

  it.each<[string, boolean, LearnerProfile | null]>([
    ['no answers', false, null],
    ['no programming, even with robotics and AI/ML', true, { ...ADVANCED, programmingExperience: 'none' }],
    ['no robotics background and basic AI/ML', true, NO_ROBOTICS],
    ['no robotics background but intermediate AI/ML', false, { ...NO_ROBOTICS, aiMlExperience: 'intermediate' }],
    ['an ML engineer without robotics', false, ML_ENGINEER],
    ['high school, beginner programming, robotics', true, { ...MIDDLE, educationLevel: 'high_school', programmingExperience: 'beginner' }],
    ['undergraduate, beginner programming, robotics', false, { ...MIDDLE, programmingExperience: 'beginner' }],
    ['high school, intermediate programming, robotics', false, { ...MIDDLE, educationLevel: 'high_school' }],
    ['advanced with robotics', false, ADVANCED],
  ])('%s: follows the book chapter by chapter = %s', (_name, expected, profile) => {
    expect(followsTheBook(profile)).toBe(expected);
  });
});
