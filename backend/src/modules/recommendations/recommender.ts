import type {
  LearningGoal,
  LessonType,
  OnboardingAnswers,
  PreferredLanguage,
  RecommendationDto,
  StoredLessonStatus,
} from '@lectern/api-types';

/**
 * What to read next: a pure function of the book, the learner's progress and
 * their onboarding answers. No I/O, no framework: the service gathers the
 * inputs, this decides. Deterministic (equal scores fall back to reading
 * order) and linear in the size of the book.
 *
 * The book decides the order: its reading order and its prerequisites. Layers
 * are not used (in a book they may be topic areas rather than a difficulty
 * scale, and a book may have none).
 *
 * Eligibility
 *   Candidates are the lessons not completed whose prerequisites are met. A
 *   lesson's prerequisites are its prerequisite lessons and its chapter's
 *   prerequisite chapters (direct ones; each chapter states its own). A
 *   prerequisite lesson is met when completed; a prerequisite chapter is met
 *   when its non-lab lessons are completed (labs are practice, not gates; a
 *   chapter of labs only needs all of them). Prerequisites naming a lesson or
 *   chapter that is not in the book are ignored (the importer rejects them).
 *   A lesson in progress is always a candidate, whatever its prerequisites
 *   (the learner chose to open it; it says what it builds on).
 *   Any other lesson with unmet prerequisites is not recommended; the next
 *   step towards it is: its earliest unmet prerequisite in reading order, or,
 *   when that one is blocked too, that one's next step, and so on. Cycles
 *   (which the importer rejects) cannot loop: a chain that comes back on
 *   itself offers its earliest lesson as the way in.
 *
 * Pace
 *   A learner who follows the book chapter by chapter (see followsTheBook:
 *   new to programming, or without a robotics background and without AI/ML
 *   experience, or at high school with little programming) has the lessons of
 *   chapters after the one they are reading ranked later (tier 1xx). The
 *   chapter they are reading is the chapter of the first non-lab lesson they
 *   have not completed, in reading order. Other learners may take any open
 *   chapter; after the next lesson, their goals weigh in.
 *
 * Score (higher first; the hundreds are the tier, then 0..99 within it)
 *   tier 3xx  in progress
 *   tier 2xx  open now
 *   tier 1xx  open, but after the chapter a book-following learner is reading
 *   within a tier, the sum of
 *     sequence  the next lesson after the furthest completed one 64; the ones
 *               after it 30, 27, 24, …; lessons left behind 20
 *     goals     5 per goal the lesson shares with the learner's (at most 3)
 *     +3 when it is the next step towards a blocked lesson
 *   so the next lesson in reading order always comes first (goals at most 15
 *   + 3 cannot lift another over it), and goals order the rest. For a
 *   book-following learner only the sequence counts: the book's order is the
 *   plan (their cards still say which goals a lesson matches).
 *
 * Reasons, in the learner's language (English or Urdu)
 *   First, where it is in the book: continue where you left off | start here
 *   | next in Chapter N | coming up in Chapter N | not read yet, from earlier
 *   | later in the book (with the chapter to read first). Then, when they
 *   apply: what an opened lesson builds on that is not read yet, what a lesson
 *   out of sequence is needed before, the goals it matches. A reason other
 *   than the first that every card would carry says nothing and is dropped.
 */

export type ProgressStatus = StoredLessonStatus;

/** A lesson as the recommender sees it; the array is in reading order. */
export interface LessonInfo {
  slug: string;
  title: string;
  type: LessonType;
  /** The book's layer id, passed through to the answer; null in a book without layers. Not used for ranking. */
  layer: string | null;
  chapterNumber: number;
  chapterTitle: string;
  partTitle: string;
  /** Lesson slugs needed first. */
  prerequisites: readonly string[];
  goals: readonly LearningGoal[];
  estimatedMinutes: number;
}

/** The answers that shape recommendations (OnboardingAnswers fits). */
export type LearnerProfile = Pick<
  OnboardingAnswers,
  'educationLevel' | 'programmingExperience' | 'roboticsBackground' | 'aiMlExperience' | 'learningGoals' | 'preferredLanguage'
>;

export interface RecommendInput {
  /** Every lesson of the book, in reading order. */
  lessons: readonly LessonInfo[];
  /** Chapter number → the chapter numbers it needs first. */
  chapterPrerequisites: ReadonlyMap<number, readonly number[]>;
  /** Lesson slug → status; lessons not in it are not started. */
  progress: ReadonlyMap<string, ProgressStatus>;
  /** Null before onboarding: no goals, no pace, English. */
  profile: LearnerProfile | null;
  limit: number;
}

export type Recommendation = RecommendationDto;

export interface RecommendResult {
  recommendations: Recommendation[];
  /** Every lesson that could be recommended now. */
  total: number;
}

export const WEIGHTS = {
  tier: { continue: 300, open: 200, later: 100 },
  continueReading: 64,
  next: 64,
  comingUp: 30,
  comingUpDecay: 3,
  leftBehind: 20,
  goal: 5,
  maxGoals: 3,
  neededBefore: 3,
} as const;

/** The sentences of the reasons, per language. Titles come from the book as they are. */
interface ReasonTexts {
  chapter(number: number, title: string): string;
  continue: string;
  start(chapter: string): string;
  next(chapter: string): string;
  comingUp(chapter: string): string;
  leftBehind(chapter: string): string;
  later(chapter: string): string;
  readFirst(chapter: string): string;
  buildsOn(title: string): string;
  neededBefore(title: string): string;
  goals(labels: readonly string[]): string;
  goalLabels: Record<LearningGoal, string>;
  and: string;
  comma: string;
}

export const REASON_TEXTS: Record<PreferredLanguage, ReasonTexts> = {
  en: {
    chapter: (n, title) => `Chapter ${n}: ${title}`,
    continue: 'Continue where you left off',
    start: (c) => `Start here: ${c}`,
    next: (c) => `Next in ${c}`,
    comingUp: (c) => `Coming up in ${c}`,
    leftBehind: (c) => `Not read yet, from earlier in the book: ${c}`,
    later: (c) => `Later in the book: ${c}`,
    readFirst: (c) => `Best read after ${c}, which comes first`,
    buildsOn: (t) => `Builds on “${t}”, which you have not read yet`,
    neededBefore: (t) => `Needed before “${t}”`,
    goals: (labels) => `Matches your goal${labels.length > 1 ? 's' : ''}: ${listOf(labels, 'en')}`,
    goalLabels: {
      career_change: 'career change',
      research: 'research',
      hobby: 'hobby',
      teaching: 'teaching',
      building_projects: 'building projects',
    },
    and: ' and ',
    comma: ', ',
  },
  ur: {
    chapter: (n, title) => `باب ${n}: ${title}`,
    continue: 'جہاں چھوڑا تھا، وہیں سے جاری رکھیں',
    start: (c) => `یہاں سے شروع کریں، ${c}`,
    next: (c) => `اگلا سبق، ${c}`,
    comingUp: (c) => `آگے آنے والا سبق، ${c}`,
    leftBehind: (c) => `ابھی نہیں پڑھا، کتاب میں پہلے آتا ہے، ${c}`,
    later: (c) => `کتاب میں بعد میں آتا ہے، ${c}`,
    readFirst: (c) => `پہلے یہ پڑھنا بہتر ہے، ${c}`,
    buildsOn: (t) => `یہ سبق “${t}” پر مبنی ہے، جو آپ نے ابھی نہیں پڑھا`,
    neededBefore: (t) => `“${t}” سے پہلے ضروری ہے`,
    goals: (labels) => `آپ کے ${labels.length > 1 ? 'مقاصد' : 'مقصد'} سے مطابقت: ${listOf(labels, 'ur')}`,
    goalLabels: {
      career_change: 'کیریئر کی تبدیلی',
      research: 'تحقیق',
      hobby: 'شوق',
      teaching: 'تدریس',
      building_projects: 'پروجیکٹ بنانا',
    },
    and: ' اور ',
    comma: '، ',
  },
};

function textsFor(language: PreferredLanguage | undefined): ReasonTexts {
  return (language && REASON_TEXTS[language]) || REASON_TEXTS.en;
}

export function goalLabel(goal: LearningGoal, language: PreferredLanguage = 'en'): string {
  return textsFor(language).goalLabels[goal] ?? goal;
}

/** `a`, `a and b`, `a, b and c` (in Urdu: `a، b اور c`) */
export function listOf(items: readonly string[], language: PreferredLanguage = 'en'): string {
  const t = textsFor(language);
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(t.comma)}${t.and}${items[items.length - 1]}`;
}

/**
 * Whether the learner is led chapter by chapter: new to programming; or
 * neither a robotics background nor AI/ML experience (intermediate or more) to
 * lean on; or at high school with at most beginner programming. Null (no
 * answers yet) is not: nothing is known, so nothing is held back.
 */
export function followsTheBook(profile: LearnerProfile | null): boolean {
  if (profile === null) return false;
  if (profile.programmingExperience === 'none') return true;
  const knowsAi = profile.aiMlExperience === 'intermediate' || profile.aiMlExperience === 'advanced';
  if (!profile.roboticsBackground && !knowsAi) return true;
  return profile.educationLevel === 'high_school' && profile.programmingExperience === 'beginner';
}

/** The top `limit` recommendations. */
export function recommend(input: RecommendInput): Recommendation[] {
  return rankLessons(input).recommendations;
}

const NONE = -1;
const UNKNOWN = -2;

interface Scored {
  index: number;
  score: number;
}

/** The top `limit` recommendations and how many lessons were eligible. */
export function rankLessons(input: RecommendInput): RecommendResult {
  const { lessons, chapterPrerequisites, progress, profile } = input;
  const n = lessons.length;
  const texts = textsFor(profile?.preferredLanguage);
  const indexOf = new Map<string, number>();
  lessons.forEach((l, i) => {
    if (!indexOf.has(l.slug)) indexOf.set(l.slug, i);
  });
  const completed = lessons.map((l) => progress.get(l.slug) === 'completed');
  const inProgress = lessons.map((l) => progress.get(l.slug) === 'in_progress');

  // Per chapter: where it starts in reading order, and its earliest required lesson not completed.
  const chapterLessons = new Map<number, number[]>();
  lessons.forEach((l, i) => {
    const list = chapterLessons.get(l.chapterNumber);
    if (list) list.push(i);
    else chapterLessons.set(l.chapterNumber, [i]);
  });
  const chapterStart = new Map<number, number>();
  const chapterFirstUnmet = new Map<number, number>();
  for (const [chapter, members] of chapterLessons) {
    chapterStart.set(chapter, members[0]);
    const nonLab = members.filter((i) => lessons[i].type !== 'lab');
    const required = nonLab.length > 0 ? nonLab : members;
    chapterFirstUnmet.set(chapter, required.find((i) => !completed[i]) ?? NONE);
  }

  // Per lesson: the earliest unmet prerequisite (NONE when all are met).
  const blockedBy = new Int32Array(n).fill(NONE);
  const open = new Uint8Array(n);
  const earliest = (a: number, b: number): number => (a === NONE ? b : Math.min(a, b));
  for (let i = 0; i < n; i += 1) {
    if (completed[i]) continue;
    let first = NONE;
    for (const slug of lessons[i].prerequisites) {
      const j = indexOf.get(slug);
      if (j !== undefined && !completed[j]) first = earliest(first, j);
    }
    for (const chapter of chapterPrerequisites.get(lessons[i].chapterNumber) ?? []) {
      const unmet = chapterFirstUnmet.get(chapter);
      if (unmet !== undefined && unmet !== NONE) first = earliest(first, unmet);
    }
    blockedBy[i] = first;
    if (first === NONE) open[i] = 1;
  }

  // The next step towards every blocked lesson; "needed before" names the earliest blocked lesson it leads to.
  const step = new Int32Array(n).fill(UNKNOWN);
  const stepToward = (start: number): number => {
    const path: number[] = [];
    const onPath = new Map<number, number>();
    let current = start;
    let result: number;
    for (;;) {
      if (step[current] !== UNKNOWN) {
        result = step[current];
        break;
      }
      if (open[current]) {
        result = current;
        break;
      }
      const seen = onPath.get(current);
      if (seen !== undefined) {
        // A prerequisite cycle: its earliest lesson is the way in.
        result = Math.min(...path.slice(seen));
        break;
      }
      onPath.set(current, path.length);
      path.push(current);
      if (blockedBy[current] === NONE) {
        result = NONE;
        break;
      }
      current = blockedBy[current];
    }
    for (const i of path) step[i] = result;
    return result;
  };
  const eligible = Uint8Array.from(open);
  const neededBefore = new Int32Array(n).fill(NONE);
  for (let i = 0; i < n; i += 1) {
    if (completed[i] || open[i]) continue;
    const s = stepToward(i);
    if (s === NONE) continue;
    eligible[s] = 1;
    if (s !== i && neededBefore[s] === NONE) neededBefore[s] = i;
  }
  // A lesson the learner opened stays, whatever its prerequisites.
  for (let i = 0; i < n; i += 1) if (inProgress[i] && !completed[i]) eligible[i] = 1;

  // The learner's position: the furthest lesson completed, and the chapter being read.
  let furthest = NONE;
  let completedCount = 0;
  for (let i = 0; i < n; i += 1) {
    if (!completed[i]) continue;
    furthest = i;
    completedCount += 1;
  }
  const startedAnything = completedCount > 0 || inProgress.some(Boolean);
  let reading = lessons.findIndex((l, i) => !completed[i] && l.type !== 'lab');
  if (reading === NONE) reading = completed.indexOf(false);
  const readingChapter = reading === NONE ? NONE : lessons[reading].chapterNumber;
  const readingChapterStart = reading === NONE ? NONE : (chapterStart.get(readingChapter) ?? NONE);
  const paced = followsTheBook(profile) && readingChapterStart !== NONE;
  const goals = new Set(profile?.learningGoals ?? []);

  const rank = new Int32Array(n).fill(NONE);
  let nextRank = 0;
  for (let i = furthest + 1; i < n; i += 1) {
    if (eligible[i] && !inProgress[i]) rank[i] = nextRank++;
  }

  const scored: Scored[] = [];
  for (let i = 0; i < n; i += 1) {
    if (!eligible[i]) continue;
    scored.push({ index: i, score: scoreOf(i) });
  }
  scored.sort((a, b) => b.score - a.score || a.index - b.index);
  const limit = Math.max(0, Math.floor(input.limit));
  const top = scored.slice(0, limit).map(({ index, score }) => ({ index, score, reasons: reasonsOf(index) }));
  dropReasonsEveryCardHas(top.map((t) => t.reasons));
  return { recommendations: top.map(({ index, score, reasons }) => toRecommendation(index, score, reasons)), total: scored.length };

  /** A book-following learner's lesson in a chapter after the one they are reading. */
  function later(i: number): boolean {
    return paced && !inProgress[i] && (chapterStart.get(lessons[i].chapterNumber) ?? i) > readingChapterStart;
  }

  function tierOf(i: number): number {
    if (inProgress[i]) return WEIGHTS.tier.continue;
    if (later(i)) return WEIGHTS.tier.later;
    return WEIGHTS.tier.open;
  }

  function sequenceScore(i: number): number {
    if (inProgress[i]) return WEIGHTS.continueReading;
    if (rank[i] === 0) return WEIGHTS.next;
    if (rank[i] > 0) return Math.max(0, WEIGHTS.comingUp - WEIGHTS.comingUpDecay * (rank[i] - 1));
    return WEIGHTS.leftBehind;
  }

  function matchedGoals(i: number): LearningGoal[] {
    return lessons[i].goals.filter((g, k, all) => goals.has(g) && all.indexOf(g) === k);
  }

  function scoreOf(i: number): number {
    // A book-following learner gets the book's order itself; for the others goals and what a lesson unlocks weigh in.
    const within = paced
      ? sequenceScore(i)
      : sequenceScore(i) +
        Math.min(matchedGoals(i).length, WEIGHTS.maxGoals) * WEIGHTS.goal +
        (neededBefore[i] !== NONE ? WEIGHTS.neededBefore : 0);
    return tierOf(i) + Math.min(99, within);
  }

  function chapterOf(i: number): string {
    return texts.chapter(lessons[i].chapterNumber, lessons[i].chapterTitle);
  }

  function reasonsOf(i: number): string[] {
    const chapter = chapterOf(i);
    const reasons: string[] = [];
    if (inProgress[i]) reasons.push(texts.continue);
    else if (later(i)) reasons.push(texts.later(chapter), texts.readFirst(chapterOf(reading)));
    else if (rank[i] === 0) reasons.push(startedAnything ? texts.next(chapter) : texts.start(chapter));
    else if (rank[i] > 0) reasons.push(texts.comingUp(chapter));
    else reasons.push(texts.leftBehind(chapter));
    if (inProgress[i] && blockedBy[i] !== NONE) reasons.push(texts.buildsOn(lessons[blockedBy[i]].title));
    // The next lesson is next whatever it unlocks; a lesson out of sequence says why it is offered.
    if (neededBefore[i] !== NONE && rank[i] !== 0 && !inProgress[i]) reasons.push(texts.neededBefore(lessons[neededBefore[i]].title));
    const shared = matchedGoals(i);
    if (shared.length > 0) reasons.push(texts.goals(shared.map((g) => texts.goalLabels[g] ?? g)));
    return reasons;
  }

  function toRecommendation(i: number, score: number, reasons: string[]): Recommendation {
    const lesson = lessons[i];
    return {
      lesson: { slug: lesson.slug, title: lesson.title, layer: lesson.layer, type: lesson.type, estimatedMinutes: lesson.estimatedMinutes },
      chapterTitle: lesson.chapterTitle,
      partTitle: lesson.partTitle,
      score,
      reasons,
    };
  }
}

/** With two cards or more, a reason (other than the first, where the lesson is) that every card carries is filler: drop it. */
function dropReasonsEveryCardHas(cards: string[][]): void {
  if (cards.length < 2) return;
  const everywhere = cards[0].slice(1).filter((reason) => cards.every((c) => c.indexOf(reason) > 0));
  if (everywhere.length === 0) return;
  for (const card of cards) {
    for (const reason of everywhere) card.splice(card.indexOf(reason), 1);
  }
}
