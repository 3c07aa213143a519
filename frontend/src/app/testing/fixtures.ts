import type {
  BookDto,
  LessonDto,
  LessonProgressDto,
  LessonStatus,
  PersonalizeJobStatus,
  PersonalizeQueued,
  PersonalizeReady,
  PreferencesDto,
  ProgressSummaryDto,
  Question,
  RecommendationsResponse,
  SearchResponse,
  UserDto,
} from '@lectern/api-types';
import { QUESTIONS as SHARED_QUESTIONS } from '@lectern/api-types';

/** The questionnaire as GET /api/onboarding/questions serves it: the shared one. */
export const QUESTIONS: Question[] = [...SHARED_QUESTIONS];

export const PREFERENCES: PreferencesDto = {
  educationLevel: 'graduate',
  programmingExperience: 'beginner',
  roboticsBackground: false,
  aiMlExperience: 'none',
  learningGoals: ['hobby', 'research'],
  preferredLanguage: 'en',
  preferencesHash: 'a'.repeat(64),
  questionnaireVersion: 1,
  updatedAt: '2026-01-01T00:00:00.000Z',
};

export function learner(onboardingCompleted: boolean): UserDto {
  return { id: 'u-1', createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z', onboardingCompleted };
}

/** Lets pending promises and timers run. */
export const settle = () => new Promise<void>((resolve) => setTimeout(resolve));

/** The <input> a visible label text belongs to, through the label's `for`. */
export function inputLabelled(root: HTMLElement, text: string): HTMLInputElement {
  const label = Array.from(root.querySelectorAll('label')).find((l) => l.textContent?.trim() === text);
  if (!label) throw new Error(`No label "${text}"`);
  const input = root.ownerDocument.getElementById(label.htmlFor);
  if (!(input instanceof HTMLInputElement)) throw new Error(`Label "${text}" labels no input`);
  return input;
}

/** Clicks an option by its label text, as a learner would. */
export function clickLabel(root: HTMLElement, text: string): void {
  const label = Array.from(root.querySelectorAll('label')).find((l) => l.textContent?.trim() === text);
  if (!label) throw new Error(`No label "${text}"`);
  label.click();
}

export function byTestId<T extends HTMLElement = HTMLElement>(root: HTMLElement, id: string): T {
  const el = root.querySelector<T>(`[data-testid="${id}"]`);
  if (!el) throw new Error(`No [data-testid="${id}"]`);
  return el;
}

/** A small book as GET /api/content/book serves it: part 2 spans two layers. */
export const BOOK: BookDto = {
  slug: 'robo',
  title: 'Physical AI & Humanoid Robotics',
  description: 'From embodied intelligence to an autonomous humanoid.',
  version: '1.0.0',
  layers: [
    { id: 'L1', label: 'Conceptual foundations' },
    { id: 'L2', label: 'Simulation and digital twins' },
    { id: 'L3', label: 'Control and embodiment' },
  ],
  glossary: ['ROS 2'],
  parts: [
    {
      number: 1,
      slug: 'foundations',
      title: 'Physical AI Foundations',
      implicit: false,
      overview: null,
      layer: 'L1',
      weeks: '1-2',
      transitionCheck: null,
      chapters: [
        {
          number: 1,
          localNumber: 1,
          slug: 'what-is-physical-ai',
          title: 'What Is Physical AI?',
          partNumber: 1,
          prerequisites: [],
          overview: null,
          groups: [],
          lessons: [
            {
              slug: 'digital-ai-vs-physical-ai',
              title: 'Digital AI vs Physical AI',
              position: 1,
              type: 'lesson',
              layer: 'L1',
              estimatedMinutes: 12,
            },
            { slug: 'lab-try-with-ai', title: 'Lab: Try With AI', position: 2, type: 'lab', layer: 'L1', estimatedMinutes: 45 },
          ],
        },
      ],
    },
    {
      number: 2,
      slug: 'digital-twin',
      title: 'The Digital Twin',
      implicit: false,
      overview: null,
      layer: 'L2-L3',
      weeks: null,
      transitionCheck: null,
      chapters: [
        {
          number: 2,
          localNumber: 1,
          slug: 'gazebo',
          title: 'Gazebo Simulation',
          partNumber: 2,
          prerequisites: [1],
          overview: null,
          groups: [{ title: 'Going deeper', lessons: ['controllers'], groups: [] }],
          lessons: [
            { slug: 'spawning-a-robot', title: 'Spawning a Robot', position: 1, type: 'lesson', layer: 'L2', estimatedMinutes: 20 },
            { slug: 'controllers', title: 'Controllers', position: 2, type: 'lesson', layer: 'L3', estimatedMinutes: 18 },
            { slug: 'twin-summary', title: 'Summary', position: 3, type: 'summary', layer: 'L3', estimatedMinutes: 5 },
          ],
        },
      ],
    },
  ],
};

export const LESSON: LessonDto = {
  slug: 'digital-ai-vs-physical-ai',
  title: 'Digital AI vs Physical AI',
  type: 'lesson',
  layer: 'L1',
  partNumber: 1,
  partTitle: 'Physical AI Foundations',
  chapterNumber: 1,
  chapterTitle: 'What Is Physical AI?',
  prerequisites: [],
  goals: ['career_change', 'research'],
  estimatedMinutes: 12,
  contentHash: 'c'.repeat(64),
  contentUrl: `/api/content/text/${'c'.repeat(64)}.md`,
  markdownUrl: '/lessons/digital-ai-vs-physical-ai.md',
  headings: [
    { level: 2, text: 'Two kinds of AI', id: 'two-kinds-of-ai' },
    { level: 3, text: 'Why bodies matter', id: 'why-bodies-matter' },
    { level: 2, text: 'Try it', id: 'try-it' },
  ],
  previous: null,
  next: { slug: 'lab-try-with-ai', title: 'Lab: Try With AI' },
};

export const LESSON_MARKDOWN = [
  'Physical AI acts in the **real world**.',
  '',
  '## Two kinds of AI',
  '',
  'See [the lab](/lessons/lab-try-with-ai#steps).',
  '',
  '### Why bodies matter',
  '',
  '```python',
  'def act(x):',
  '    return x',
  '```',
  '',
  '## Try it',
  '',
  ':::tip',
  'Keep notes.',
  ':::',
  '',
].join('\n');

/** POST /api/personalize answers and job statuses. */
export const READY: PersonalizeReady = {
  status: 'ready',
  lessonSlug: 'digital-ai-vs-physical-ai',
  content: '## For you\n\nA rewrite.',
  contentUrl: `/api/personalize/rewrites/00000000-0000-4000-8000-000000000000/${'d'.repeat(64)}.md`,
  cached: true,
  contentHash: 'c'.repeat(64),
  preferencesHash: 'a'.repeat(64),
  generatedAt: '2026-01-02T03:04:05.000Z',
  model: 'test-model',
  promptVersion: 1,
};

export const QUEUED: PersonalizeQueued = { status: 'queued', jobId: 'job-1', statusUrl: '/api/personalize/jobs/job-1' };

export function job(
  state: PersonalizeJobStatus['state'],
  progress: number,
  extra: Partial<PersonalizeJobStatus> = {},
): PersonalizeJobStatus {
  return {
    jobId: 'job-1',
    state,
    progress,
    attemptsMade: 0,
    failedReason: null,
    enqueuedAt: '2026-01-02T03:04:00.000Z',
    startedAt: state === 'queued' ? null : '2026-01-02T03:04:01.000Z',
    finishedAt: null,
    result: null,
    ...extra,
  };
}

/**
 * Waits until `check()` holds, giving the app real time in between (lazy
 * chunks, resources, change detection). Fails after about `ms` milliseconds.
 */
export async function until(check: () => boolean, ms = 6000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('Timed out waiting for a condition');
    await new Promise<void>((resolve) => setTimeout(resolve, 5));
  }
}

/** Presses a key on an element, as the keyboard would. */
export function press(element: HTMLElement, key: string): KeyboardEvent {
  const event = new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true });
  element.dispatchEvent(event);
  return event;
}

/** A lesson's progress as the progress endpoints answer it. */
export function lessonProgress(slug: string, status: LessonStatus, extra: Partial<LessonProgressDto> = {}): LessonProgressDto {
  return {
    lessonSlug: slug,
    status,
    startedAt: status === 'not_started' ? null : '2026-01-02T03:04:05.000Z',
    completedAt: status === 'completed' ? '2026-01-03T03:04:05.000Z' : null,
    timeSpentSeconds: 0,
    lastSection: null,
    ...extra,
  };
}

/** GET /api/progress over BOOK: one lesson completed, one in progress (at "steps"). */
export const PROGRESS: ProgressSummaryDto = {
  totalLessons: 5,
  completedLessons: 1,
  inProgressLessons: 1,
  completionPercentage: 20,
  totalTimeSpentSeconds: 3900,
  resume: { lessonSlug: 'lab-try-with-ai', title: 'Lab: Try With AI', section: 'steps' },
  parts: [
    {
      number: 1,
      title: 'Physical AI Foundations',
      totalLessons: 2,
      completedLessons: 1,
      inProgressLessons: 1,
      completionPercentage: 50,
      chapters: [
        { number: 1, title: 'What Is Physical AI?', totalLessons: 2, completedLessons: 1, inProgressLessons: 1, completionPercentage: 50 },
      ],
    },
    {
      number: 2,
      title: 'The Digital Twin',
      totalLessons: 3,
      completedLessons: 0,
      inProgressLessons: 0,
      completionPercentage: 0,
      chapters: [
        { number: 2, title: 'Gazebo Simulation', totalLessons: 3, completedLessons: 0, inProgressLessons: 0, completionPercentage: 0 },
      ],
    },
  ],
  lessons: [
    { lessonSlug: 'digital-ai-vs-physical-ai', status: 'completed' },
    { lessonSlug: 'lab-try-with-ai', status: 'in_progress' },
  ],
};

/** GET /api/progress/recommendations */
export const RECOMMENDATIONS: RecommendationsResponse = {
  total: 4,
  recommendations: [
    {
      lesson: { slug: 'lab-try-with-ai', title: 'Lab: Try With AI', layer: 'L1', type: 'lab', estimatedMinutes: 45 },
      chapterTitle: 'What Is Physical AI?',
      partTitle: 'Physical AI Foundations',
      score: 310,
      reasons: ['You started it and have not finished it yet', 'It is a hands-on lab'],
    },
    {
      lesson: { slug: 'spawning-a-robot', title: 'Spawning a Robot', layer: 'L2', type: 'lesson', estimatedMinutes: 20 },
      chapterTitle: 'Gazebo Simulation',
      partTitle: 'The Digital Twin',
      score: 220,
      reasons: ['Its prerequisites are done'],
    },
    {
      lesson: { slug: 'controllers', title: 'Controllers', layer: 'L3', type: 'lesson', estimatedMinutes: 18 },
      chapterTitle: 'Gazebo Simulation',
      partTitle: 'The Digital Twin',
      score: 150,
      reasons: ['Matches your goal: research'],
    },
    {
      lesson: { slug: 'twin-summary', title: 'Summary', layer: 'L3', type: 'summary', estimatedMinutes: 5 },
      chapterTitle: 'Gazebo Simulation',
      partTitle: 'The Digital Twin',
      score: 120,
      reasons: ['Closes the chapter'],
    },
  ],
};

/** POST /api/search answer: the second result is a lesson's introduction (no anchor). */
export const SEARCH_RESULTS: SearchResponse = {
  mode: 'hybrid',
  results: [
    {
      lessonSlug: 'controllers',
      lessonTitle: 'Controllers',
      heading: 'PID loops',
      anchor: 'pid-loops',
      snippet: 'A <mark>robot</mark> keeps its balance when 1 &lt; 2 &amp; the loop is fast',
      score: 0.9,
    },
    {
      lessonSlug: 'digital-ai-vs-physical-ai',
      lessonTitle: 'Digital AI vs Physical AI',
      heading: '',
      anchor: '',
      snippet: 'Physical AI acts in the real world: a <mark>robot</mark>',
      score: 0.5,
    },
    {
      lessonSlug: 'spawning-a-robot',
      lessonTitle: 'Spawning a Robot',
      heading: 'Launch files',
      anchor: 'launch-files',
      snippet: 'Spawn the <mark>robot</mark> from a launch file',
      score: 0.4,
    },
  ],
};
