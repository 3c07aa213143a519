import {
  AI_ML_EXPERIENCE,
  EDUCATION_LEVELS,
  LEARNING_GOALS,
  PREFERRED_LANGUAGES,
  PROGRAMMING_EXPERIENCE,
  type FieldError,
  type LearningGoal,
  type OnboardingAnswers,
  type OnboardingField,
  type Question,
} from '@lectern/api-types';

/** One answer as the form holds it: an option value, or the values of a multi question. */
export type AnswerValue = string | boolean | readonly string[];
/** The answers given so far, by field. */
export type AnswerDraft = Partial<Record<OnboardingField, AnswerValue>>;
/** Messages to show next to fields. */
export type FieldMessages = Partial<Record<OnboardingField, string>>;

/** Whether a question has an acceptable answer. */
export function isAnswered(question: Question, value: AnswerValue | undefined): boolean {
  if (question.kind === 'multi') {
    const least = question.minSelected ?? (question.required ? 1 : 0);
    return Array.isArray(value) && value.length >= least;
  }
  return value !== undefined || !question.required;
}

/** The starting answers: saved answers when there are any, else each question's default. */
export function initialDraft(questions: readonly Question[], saved?: Partial<OnboardingAnswers> | null): AnswerDraft {
  const draft: AnswerDraft = {};
  for (const question of questions) {
    const value = saved?.[question.id] ?? question.default;
    if (value !== undefined) draft[question.id] = value;
  }
  return draft;
}

const oneOf =
  <T extends string>(values: readonly T[]) =>
  (value: unknown): value is T =>
    typeof value === 'string' && (values as readonly string[]).includes(value);

const isEducation = oneOf(EDUCATION_LEVELS);
const isProgramming = oneOf(PROGRAMMING_EXPERIENCE);
const isAiMl = oneOf(AI_ML_EXPERIENCE);
const isGoal = oneOf<LearningGoal>(LEARNING_GOALS);
const isLanguage = oneOf(PREFERRED_LANGUAGES);

/** The draft as API answers; values the API would not accept are left out. */
export function toAnswers(draft: AnswerDraft): Partial<OnboardingAnswers> {
  const answers: Partial<OnboardingAnswers> = {};
  if (isEducation(draft.educationLevel)) answers.educationLevel = draft.educationLevel;
  if (isProgramming(draft.programmingExperience)) answers.programmingExperience = draft.programmingExperience;
  if (typeof draft.roboticsBackground === 'boolean') answers.roboticsBackground = draft.roboticsBackground;
  if (isAiMl(draft.aiMlExperience)) answers.aiMlExperience = draft.aiMlExperience;
  const goals = draft.learningGoals;
  if (Array.isArray(goals)) answers.learningGoals = goals.filter(isGoal);
  if (isLanguage(draft.preferredLanguage)) answers.preferredLanguage = draft.preferredLanguage;
  return answers;
}

/** Whether all six answers are present. */
export function isComplete(answers: Partial<OnboardingAnswers>): answers is OnboardingAnswers {
  return (
    answers.educationLevel !== undefined &&
    answers.programmingExperience !== undefined &&
    answers.roboticsBackground !== undefined &&
    answers.aiMlExperience !== undefined &&
    answers.learningGoals !== undefined &&
    answers.preferredLanguage !== undefined
  );
}

/**
 * Splits a 400's `details` into messages per question (a detail such as
 * `learningGoals.0` belongs to `learningGoals`) and the rest.
 */
export function splitFieldErrors(
  questions: readonly Question[],
  details: readonly FieldError[],
): { byField: FieldMessages; other: string[] } {
  const byField: FieldMessages = {};
  const other: string[] = [];
  for (const detail of details) {
    const name = detail.field.split(/[.[]/)[0];
    const question = questions.find((q) => q.id === name);
    if (question) byField[question.id] = byField[question.id] ? `${byField[question.id]} ${detail.message}` : detail.message;
    else other.push(detail.message);
  }
  return { byField, other };
}

/** The message for an unanswered question in a full-form save. */
export function missingMessage(question: Question): string {
  return question.kind === 'multi' ? 'Choose at least one option.' : 'Choose an option.';
}
