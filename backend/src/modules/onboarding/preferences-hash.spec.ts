import type { OnboardingAnswers } from '@lectern/api-types';
import { canonicalPreferences, preferencesHash } from './preferences-hash';

const answers: OnboardingAnswers = {
  educationLevel: 'graduate',
  programmingExperience: 'advanced',
  roboticsBackground: true,
  aiMlExperience: 'intermediate',
  learningGoals: ['research', 'building_projects'],
  preferredLanguage: 'ur',
};

describe('preferencesHash', () => {
  it('is a 64-character hex SHA-256', () => {
    expect(preferencesHash(answers)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('does not depend on key order, goal order or duplicate goals', () => {
    const reordered = {
      preferredLanguage: 'ur',
      learningGoals: ['building_projects', 'research', 'research'],
      aiMlExperience: 'intermediate',
      roboticsBackground: true,
      programmingExperience: 'advanced',
      educationLevel: 'graduate',
    } as OnboardingAnswers;
    expect(preferencesHash(reordered)).toBe(preferencesHash(answers));
  });

  it.each<[keyof OnboardingAnswers, unknown]>([
    ['educationLevel', 'undergraduate'],
    ['programmingExperience', 'none'],
    ['roboticsBackground', false],
    ['aiMlExperience', 'advanced'],
    ['learningGoals', ['research']],
    ['preferredLanguage', 'en'],
  ])('changes when %s changes', (field, value) => {
    expect(preferencesHash({ ...answers, [field]: value } as OnboardingAnswers)).not.toBe(preferencesHash(answers));
  });

  it('changes with the questionnaire version', () => {
    expect(preferencesHash(answers, 2)).not.toBe(preferencesHash(answers, 1));
  });

  it('serialises in a fixed field order with booleans spelled out', () => {
    expect(canonicalPreferences(answers, 1)).toBe(
      [
        'v=1',
        'educationLevel=graduate',
        'programmingExperience=advanced',
        'roboticsBackground=true',
        'aiMlExperience=intermediate',
        'learningGoals=building_projects,research',
        'preferredLanguage=ur',
      ].join('\n'),
    );
  });
});
