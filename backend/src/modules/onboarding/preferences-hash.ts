import { createHash } from 'node:crypto';
import { QUESTIONNAIRE_VERSION, type OnboardingAnswers } from '@lectern/api-types';

/**
 * The canonical serialization of a profile: fixed field order, goals sorted
 * and de-duplicated, booleans as true/false, plus the questionnaire version.
 * Learners with equal answers get equal strings, whatever order they sent.
 */
export function canonicalPreferences(answers: OnboardingAnswers, version = QUESTIONNAIRE_VERSION): string {
  const goals = [...new Set(answers.learningGoals)].sort();
  return [
    `v=${version}`,
    `educationLevel=${answers.educationLevel}`,
    `programmingExperience=${answers.programmingExperience}`,
    `roboticsBackground=${answers.roboticsBackground ? 'true' : 'false'}`,
    `aiMlExperience=${answers.aiMlExperience}`,
    `learningGoals=${goals.join(',')}`,
    `preferredLanguage=${answers.preferredLanguage}`,
  ].join('\n');
}

/** SHA-256 (hex) of the canonical serialization: the personalization cache key's profile half. */
export function preferencesHash(answers: OnboardingAnswers, version = QUESTIONNAIRE_VERSION): string {
  return createHash('sha256').update(canonicalPreferences(answers, version)).digest('hex');
}
