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
