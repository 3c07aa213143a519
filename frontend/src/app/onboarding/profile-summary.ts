import type { OnboardingAnswers, OnboardingField, Question } from '@lectern/api-types';

function labelOf(questions: readonly Question[], field: OnboardingField, value: string | boolean): string {
  const option = questions.find((q) => q.id === field)?.options.find((o) => o.value === value);
  return option?.label ?? String(value);
}

const lower = (text: string) => text.toLowerCase();
const article = (phrase: string) => (/^[aeiou]/i.test(phrase) ? `an ${phrase}` : `a ${phrase}`);

/**
 * The parts of "Lessons will be written for …", from the questionnaire's
 * labels: e.g. ["a graduate", "beginner programmer", "new to robotics",
 * "AI/ML: no experience", "goals: hobby, research", "in English"].
 */
export function profileSummaryParts(questions: readonly Question[], answers: OnboardingAnswers): string[] {
  const education = lower(labelOf(questions, 'educationLevel', answers.educationLevel));
  const programming =
    answers.programmingExperience === 'none'
      ? 'new to programming'
      : `${lower(labelOf(questions, 'programmingExperience', answers.programmingExperience))} programmer`;
  const goals = answers.learningGoals.map((goal) => lower(labelOf(questions, 'learningGoals', goal)));
  return [
    article(answers.educationLevel === 'high_school' ? `${education} student` : education),
    programming,
    answers.roboticsBackground ? 'robotics background' : 'new to robotics',
    `AI/ML: ${lower(labelOf(questions, 'aiMlExperience', answers.aiMlExperience))}`,
    `goals: ${goals.join(', ')}`,
    `in ${labelOf(questions, 'preferredLanguage', answers.preferredLanguage)}`,
  ];
}

/** "Lessons will be written for a graduate · beginner programmer · …". */
export function profileSummary(questions: readonly Question[], answers: OnboardingAnswers): string {
  return `Lessons will be written for ${profileSummaryParts(questions, answers).join(' · ')}`;
}

/** "Urdu" from the label "اردو (Urdu)"; the label itself when it has no parenthesis. */
function languageName(questions: readonly Question[], answers: OnboardingAnswers): string {
  const label = labelOf(questions, 'preferredLanguage', answers.preferredLanguage);
  return /\(([^()]+)\)\s*$/.exec(label)?.[1] ?? label;
}

/**
 * Who a personalized lesson is written for, in short:
 * "an undergraduate · beginner programmer · new to robotics · in Urdu".
 */
export function personalizedFor(questions: readonly Question[], answers: OnboardingAnswers): string {
  const [education, programming, robotics] = profileSummaryParts(questions, answers);
  return [education, programming, robotics, `in ${languageName(questions, answers)}`].join(' · ');
}
