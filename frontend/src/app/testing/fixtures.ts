import type { PreferencesDto, Question, UserDto } from '@lectern/api-types';

/** The questionnaire as GET /api/onboarding/questions serves it (ONBOARDING.md). */
export const QUESTIONS: Question[] = [
  {
    id: 'educationLevel',
    text: 'What is your education level?',
    help: 'This helps us adjust the complexity of explanations.',
    kind: 'single',
    required: true,
    options: [
      { value: 'high_school', label: 'High School', hint: 'Currently in or completed high school' },
      { value: 'undergraduate', label: 'Undergraduate', hint: "Pursuing or completed a bachelor's degree" },
      { value: 'graduate', label: 'Graduate', hint: "Master's or PhD level" },
      { value: 'professional', label: 'Professional', hint: 'Working professional' },
    ],
  },
  {
    id: 'programmingExperience',
    text: 'What is your programming experience?',
    help: "We'll adjust code examples based on your level.",
    kind: 'single',
    required: true,
    options: [
      { value: 'none', label: 'No experience' },
      { value: 'beginner', label: 'Beginner', hint: 'Basics, simple scripts' },
      { value: 'intermediate', label: 'Intermediate', hint: 'Comfortable with one or more languages' },
      { value: 'advanced', label: 'Advanced', hint: 'Professional developer' },
    ],
  },
  {
    id: 'roboticsBackground',
    text: 'Do you have any robotics background?',
    help: 'This tells us whether to include foundational concepts.',
    kind: 'single',
    required: true,
    options: [
      { value: true, label: 'Yes', hint: 'Worked with robots or studied robotics' },
      { value: false, label: 'No', hint: 'Robotics is new to me' },
    ],
  },
  {
    id: 'aiMlExperience',
    text: 'What is your AI/ML experience?',
    help: "We'll adjust AI-related content accordingly.",
    kind: 'single',
    required: true,
    options: [
      { value: 'none', label: 'No experience' },
      { value: 'basic', label: 'Basic', hint: 'Familiar with the concepts' },
      { value: 'intermediate', label: 'Intermediate', hint: 'Have built ML models' },
      { value: 'advanced', label: 'Advanced', hint: 'Professional ML/AI work' },
    ],
  },
  {
    id: 'learningGoals',
    text: 'What are your learning goals?',
    help: 'Select all that apply.',
    kind: 'multi',
    required: true,
    minSelected: 1,
    options: [
      { value: 'career_change', label: 'Career change' },
      { value: 'research', label: 'Research' },
      { value: 'hobby', label: 'Hobby' },
      { value: 'teaching', label: 'Teaching' },
      { value: 'building_projects', label: 'Building projects' },
    ],
  },
  {
    id: 'preferredLanguage',
    text: 'What is your preferred language?',
    help: 'Lessons can be personalized in Urdu while technical terms stay in English.',
    kind: 'single',
    required: false,
    default: 'en',
    options: [
      { value: 'en', label: 'English' },
      { value: 'ur', label: 'اردو (Urdu)' },
    ],
  },
];

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
