// The six onboarding questions (see ONBOARDING.md). Values are the API's and
// are exact; changing the questionnaire means bumping QUESTIONNAIRE_VERSION,
// which changes every preferencesHash (and so every personalization key).

export const QUESTIONNAIRE_VERSION = 1;

export const EDUCATION_LEVELS = ['high_school', 'undergraduate', 'graduate', 'professional'] as const;
export const PROGRAMMING_EXPERIENCE = ['none', 'beginner', 'intermediate', 'advanced'] as const;
export const AI_ML_EXPERIENCE = ['none', 'basic', 'intermediate', 'advanced'] as const;
export const LEARNING_GOALS = ['career_change', 'research', 'hobby', 'teaching', 'building_projects'] as const;
export const PREFERRED_LANGUAGES = ['en', 'ur'] as const;

export type EducationLevel = (typeof EDUCATION_LEVELS)[number];
export type ProgrammingExperience = (typeof PROGRAMMING_EXPERIENCE)[number];
export type AiMlExperience = (typeof AI_ML_EXPERIENCE)[number];
export type LearningGoal = (typeof LEARNING_GOALS)[number];
export type PreferredLanguage = (typeof PREFERRED_LANGUAGES)[number];

/** The six answers, as the API takes them. */
export interface OnboardingAnswers {
  educationLevel: EducationLevel;
  programmingExperience: ProgrammingExperience;
  roboticsBackground: boolean;
  aiMlExperience: AiMlExperience;
  learningGoals: LearningGoal[];
  preferredLanguage: PreferredLanguage;
}

export type OnboardingField = keyof OnboardingAnswers;

export interface PreferencesDto extends OnboardingAnswers {
  /** SHA-256 of the canonical answers + questionnaire version (hex). */
  preferencesHash: string;
  questionnaireVersion: number;
  updatedAt: string;
}

export interface OnboardingResponse {
  preferences: PreferencesDto;
  onboardingCompleted: true;
}

export interface QuestionOption {
  value: string | boolean;
  label: string;
  hint?: string;
}

export interface Question {
  id: OnboardingField;
  text: string;
  help: string;
  kind: 'single' | 'multi';
  options: QuestionOption[];
  required: boolean;
  /** For multi: the least number of choices. */
  minSelected?: number;
  /** The answer used when the field is omitted (only preferredLanguage has one). */
  default?: string | boolean;
}

/**
 * The six questions of ONBOARDING.md, served by GET /api/onboarding/questions
 * (the Angular form renders from it). Option
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
