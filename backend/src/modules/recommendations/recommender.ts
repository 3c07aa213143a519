import type { LearningGoal, LessonType, OnboardingAnswers, RecommendationDto, StoredLessonStatus } from '@lectern/api-types';

/**
 * What to read next: a pure function of the book, the learner's progress and
 * their onboarding answers. No I/O, no framework: the service gathers the
 * inputs, this decides. Deterministic (equal scores fall back to reading
 * order) and linear in the size of the book.
 *
 * Eligibility
 *   Candidates are the lessons not completed whose prerequisites are met. A
 *   lesson's prerequisites are its prerequisite lessons and its chapter's
 *   prerequisite chapters (direct ones; each chapter states its own). A
 *   prerequisite lesson is met when completed; a prerequisite chapter is met
 *   when its non-lab lessons are completed (labs are practice, not gates; a
 *   chapter of labs only needs all of them). For a learner who may skip the
 *   foundations (advanced programming and a robotics background), L1 lessons
 *   count as met without being read. Prerequisites naming a lesson or chapter
 *   that is not in the book are ignored (the importer rejects them anyway).
 *   A lesson with unmet prerequisites is never recommended; instead, the next
 *   step towards it is: its earliest unmet prerequisite in reading order, or,
 *   when that one is blocked too, that one's next step, and so on, until a
 *   lesson whose prerequisites are met. It gets the reason "needed before …".
 *   Cycles (which the importer rejects) cannot loop: a chain that comes back
 *   on itself offers its earliest lesson as the way in.
 *
 * Score (higher first; the hundreds are the tier, then 0..99 within it)
 *   tier 3xx  in progress: "continue where you left off"
 *   tier 2xx  open now
 *   tier 1xx  open, but later for this learner: L3+ for a learner who needs the
 *             foundations first (no programming, or no robotics background)
 *             while they have finished less than 80% of the L1–L2 lessons; and
 *             L1 for a learner who may skip the foundations
 *   within a tier, the sum of
 *     sequence  the next open lesson after the furthest completed one 64; the
 *               ones after it 30, 27, 24, … ; open lessons left behind 20
 *     goals     5 per goal the lesson shares with the learner's (at most 3)
 *     layer     at or below the learner's level 12, one layer up 8, two up 2
 *               (level: the highest layer completed; at least L1, or L2 for
 *               a learner who may skip the foundations)
 *     +4 when the learner finished its prerequisites, +3 when it is needed
 *     before a blocked lesson
 *   so in-progress lessons come first, then the next lesson in sequence
 *   (whatever the goals), then the rest by goals, layer and closeness.
 *
 * Reasons (every recommendation has at least the first kind)
 *   "continue where you left off" | "start here: Chapter 1: …" | "next in
 *   Chapter N: …" | "coming up in Chapter N: …" | "not read yet, from earlier
 *   in Chapter N: …"; then, when they apply, "needed before <title>", "you
 *   finished its prerequisites", "you can skip L1 foundations: …" (a lesson
 *   above L1 that an advanced learner reaches before finishing L1), "matches
 *   your goal(s): …" (questionnaire labels), "a step up from L1 to L2" (one
 *   layer above the highest the learner has completed).
 */

export type ProgressStatus = StoredLessonStatus;

/** A lesson as the recommender sees it; the array is in reading order. */
export interface LessonInfo {
  slug: string;
  title: string;
  type: LessonType;
  /** `L1` … `L5` */
  layer: string;
  chapterNumber: number;
  chapterTitle: string;
  partTitle: string;
  /** Lesson slugs needed first. */
  prerequisites: readonly string[];
  goals: readonly LearningGoal[];
  estimatedMinutes: number;
}

/** The answers that shape recommendations (an OnboardingAnswers fits). */
export type LearnerProfile = Pick<OnboardingAnswers, 'programmingExperience' | 'roboticsBackground' | 'learningGoals'>;

export interface RecommendInput {
  /** Every lesson of the book, in reading order. */
  lessons: readonly LessonInfo[];
  /** Chapter number → the chapter numbers it needs first. */
  chapterPrerequisites: ReadonlyMap<number, readonly number[]>;
  /** Lesson slug → status; lessons not in it are not started. */
  progress: ReadonlyMap<string, ProgressStatus>;
  /** Null before onboarding: no goals, no layer adjustment. */
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
  layer: { atLevel: 12, oneUp: 8, twoUp: 2 },
  prerequisitesFinished: 4,
  neededBefore: 3,
} as const;

/** Share of the L1–L2 lessons a foundations-first learner finishes before L3+ lessons rank with the rest. */
export const FOUNDATIONS_SHARE = 0.8;

const GOAL_LABELS: Record<LearningGoal, string> = {
  career_change: 'career change',
  research: 'research',
  hobby: 'hobby',
  teaching: 'teaching',
  building_projects: 'building projects',
};

export const SKIP_FOUNDATIONS_REASON = 'you can skip L1 foundations: you have a robotics background and advanced programming';

/** `L3` → 3; anything else counts as the first layer. */
export function layerLevel(layer: string): number {
  const match = /^L(\d+)$/.exec(layer);
  return match ? Math.max(1, Number(match[1])) : 1;
}

export function goalLabel(goal: LearningGoal): string {
  return GOAL_LABELS[goal] ?? goal;
}

/** No programming, or no robotics background: L1 and L2 first. */
export function needsFoundationsFirst(profile: LearnerProfile | null): boolean {
  return profile !== null && (profile.programmingExperience === 'none' || !profile.roboticsBackground);
}

/** Advanced programming and a robotics background: L1 may be skipped. */
export function canSkipFoundations(profile: LearnerProfile | null): boolean {
  return profile !== null && profile.programmingExperience === 'advanced' && profile.roboticsBackground;
}

/** `a`, `a and b`, `a, b and c` */
export function listOf(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
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
  const indexOf = new Map<string, number>();
  lessons.forEach((l, i) => {
    if (!indexOf.has(l.slug)) indexOf.set(l.slug, i);
  });
  const level = lessons.map((l) => layerLevel(l.layer));
  const completed = lessons.map((l) => progress.get(l.slug) === 'completed');
  const inProgress = lessons.map((l) => progress.get(l.slug) === 'in_progress');
  const skipFoundations = canSkipFoundations(profile);
  const met = (i: number): boolean => completed[i] || (skipFoundations && level[i] <= 1);

  // Per chapter: its earliest required lesson not met, and whether skipping L1 was needed to meet it.
  const chapterLessons = new Map<number, number[]>();
  lessons.forEach((l, i) => {
    const list = chapterLessons.get(l.chapterNumber);
    if (list) list.push(i);
    else chapterLessons.set(l.chapterNumber, [i]);
  });
  const chapterState = new Map<number, { firstUnmet: number; skipped: boolean }>();
  for (const [chapter, members] of chapterLessons) {
    const nonLab = members.filter((i) => lessons[i].type !== 'lab');
    const required = nonLab.length > 0 ? nonLab : members;
    const unmet = required.find((i) => !met(i));
    chapterState.set(chapter, { firstUnmet: unmet ?? NONE, skipped: required.some((i) => !completed[i]) });
  }

  // Per lesson: the earliest unmet prerequisite (NONE when all are met).
  const blockedBy = new Int32Array(n).fill(NONE);
  const usedSkip = new Uint8Array(n);
  const hasPrerequisites = new Uint8Array(n);
  const eligible = new Uint8Array(n);
  const earliest = (a: number, b: number): number => (a === NONE ? b : Math.min(a, b));
  for (let i = 0; i < n; i += 1) {
    if (completed[i]) continue;
    let first = NONE;
    for (const slug of lessons[i].prerequisites) {
      const j = indexOf.get(slug);
      if (j === undefined) continue;
      hasPrerequisites[i] = 1;
      if (!met(j)) first = earliest(first, j);
      else if (!completed[j]) usedSkip[i] = 1;
    }
    for (const chapter of chapterPrerequisites.get(lessons[i].chapterNumber) ?? []) {
      const state = chapterState.get(chapter);
      if (!state) continue;
      hasPrerequisites[i] = 1;
      if (state.firstUnmet !== NONE) first = earliest(first, state.firstUnmet);
      else if (state.skipped) usedSkip[i] = 1;
    }
    blockedBy[i] = first;
    if (first === NONE) eligible[i] = 1;
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
      if (eligible[current]) {
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
  const neededBefore = new Int32Array(n).fill(NONE);
  const forced = new Uint8Array(n);
  for (let i = 0; i < n; i += 1) {
    if (completed[i] || eligible[i]) continue;
    const s = stepToward(i);
    if (s === NONE) continue;
    if (!eligible[s]) forced[s] = 1;
    if (s !== i && neededBefore[s] === NONE) neededBefore[s] = i;
  }
  for (let i = 0; i < n; i += 1) if (forced[i]) eligible[i] = 1;

  // The learner's position and level.
  let furthest = NONE;
  let maxCompletedLevel = 0;
  let completedCount = 0;
  let foundationsTotal = 0;
  let foundationsDone = 0;
  for (let i = 0; i < n; i += 1) {
    if (level[i] <= 2) foundationsTotal += 1;
    if (!completed[i]) continue;
    furthest = i;
    completedCount += 1;
    maxCompletedLevel = Math.max(maxCompletedLevel, level[i]);
    if (level[i] <= 2) foundationsDone += 1;
  }
  const startedAnything = completedCount > 0 || inProgress.some(Boolean);
  const baseLevel = Math.max(maxCompletedLevel, skipFoundations ? 2 : 1);
  const holdBack = needsFoundationsFirst(profile) && foundationsTotal > 0 && foundationsDone / foundationsTotal < FOUNDATIONS_SHARE;
  const goals = new Set(profile?.learningGoals ?? []);
  // For a learner who may skip the foundations: the first L1 lesson they have not read (a later, higher lesson jumps it).
  const firstUnreadFoundation = skipFoundations ? level.findIndex((l, i) => l <= 1 && !completed[i]) : NONE;

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
  return { recommendations: scored.slice(0, limit).map(({ index, score }) => toRecommendation(index, score)), total: scored.length };

  function tierOf(i: number): number {
    if (inProgress[i]) return WEIGHTS.tier.continue;
    if (holdBack && level[i] >= 3) return WEIGHTS.tier.later;
    if (skipFoundations && level[i] <= 1) return WEIGHTS.tier.later;
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

  function layerScore(i: number): number {
    const up = level[i] - baseLevel;
    if (up <= 0) return WEIGHTS.layer.atLevel;
    if (up === 1) return WEIGHTS.layer.oneUp;
    if (up === 2) return WEIGHTS.layer.twoUp;
    return 0;
  }

  function prerequisitesFinished(i: number): boolean {
    return hasPrerequisites[i] === 1 && blockedBy[i] === NONE && usedSkip[i] === 0;
  }

  function scoreOf(i: number): number {
    const within =
      sequenceScore(i) +
      Math.min(matchedGoals(i).length, WEIGHTS.maxGoals) * WEIGHTS.goal +
      layerScore(i) +
      (prerequisitesFinished(i) ? WEIGHTS.prerequisitesFinished : 0) +
      (neededBefore[i] !== NONE ? WEIGHTS.neededBefore : 0);
    return tierOf(i) + Math.min(99, within);
  }

  function toRecommendation(i: number, score: number): Recommendation {
    const lesson = lessons[i];
    const chapter = `Chapter ${lesson.chapterNumber}: ${lesson.chapterTitle}`;
    const reasons: string[] = [];
    if (inProgress[i]) reasons.push('continue where you left off');
    else if (rank[i] === 0) reasons.push(startedAnything ? `next in ${chapter}` : `start here: ${chapter}`);
    else if (rank[i] > 0) reasons.push(`coming up in ${chapter}`);
    else reasons.push(`not read yet, from earlier in ${chapter}`);
    if (neededBefore[i] !== NONE) reasons.push(`needed before ${lessons[neededBefore[i]].title}`);
    if (prerequisitesFinished(i)) reasons.push('you finished its prerequisites');
    if (skipFoundations && level[i] > 1 && (usedSkip[i] || (firstUnreadFoundation !== NONE && firstUnreadFoundation < i))) {
      reasons.push(SKIP_FOUNDATIONS_REASON);
    }
    const shared = matchedGoals(i);
    if (shared.length > 0) reasons.push(`matches your goal${shared.length > 1 ? 's' : ''}: ${listOf(shared.map(goalLabel))}`);
    if (completedCount > 0 && level[i] === maxCompletedLevel + 1) reasons.push(`a step up from L${maxCompletedLevel} to ${lesson.layer}`);
    return {
      lesson: { slug: lesson.slug, title: lesson.title, layer: lesson.layer, type: lesson.type, estimatedMinutes: lesson.estimatedMinutes },
      chapterTitle: lesson.chapterTitle,
      partTitle: lesson.partTitle,
      score,
      reasons,
    };
  }
}
