import {
  AI_ML_EXPERIENCE,
  EDUCATION_LEVELS,
  LEARNING_GOALS,
  PREFERRED_LANGUAGES,
  PROGRAMMING_EXPERIENCE,
  QUESTIONS,
} from '@lectern/api-types';

export { QUESTIONS };

// Start-up guard: the served questionnaire's options are exactly the value lists the validation and the hash use.
const EXPECTED: Record<string, readonly (string | boolean)[]> = {
  educationLevel: EDUCATION_LEVELS,
  programmingExperience: PROGRAMMING_EXPERIENCE,
  roboticsBackground: [true, false],
  aiMlExperience: AI_ML_EXPERIENCE,
  learningGoals: LEARNING_GOALS,
  preferredLanguage: PREFERRED_LANGUAGES,
};
for (const q of QUESTIONS) {
  const values = q.options.map((o) => o.value);
  if (JSON.stringify(values) !== JSON.stringify(EXPECTED[q.id])) {
    throw new Error(`Questionnaire options for ${q.id} do not match the shared value list`);
  }
}
