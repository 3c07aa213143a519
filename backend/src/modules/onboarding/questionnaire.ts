import {
  AI_ML_EXPERIENCE,
  EDUCATION_LEVELS,
  LEARNING_GOALS,
  PREFERRED_LANGUAGES,
  PROGRAMMING_EXPERIENCE,
  type Question,
} from '@lectern/api-types';

/**
 * The six questions of ONBOARDING.md, served to the Angular form. Option
 * values come from the shared constants, so the form, the validation and the
 * hash can never disagree about them.
 */
export const QUESTIONS: readonly Question[] = [
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

// Compile-time and start-up guard: the option lists above are exactly the shared value lists.
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
