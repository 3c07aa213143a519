import { PREFERENCES, QUESTIONS } from '../testing/fixtures';
import { personalizedFor, profileSummary, profileSummaryParts } from './profile-summary';

describe('profileSummary', () => {
  it('words the answers with the questionnaire labels', () => {
    expect(profileSummary(QUESTIONS, PREFERENCES)).toBe(
      'Lessons will be written for a graduate · beginner programmer · new to robotics · AI/ML: no experience · goals: hobby, research · in English',
    );
  });

  it('follows the labels the server sends', () => {
    const renamed = QUESTIONS.map((q) =>
      q.id === 'aiMlExperience' ? { ...q, options: q.options.map((o) => (o.value === 'none' ? { ...o, label: 'Nothing yet' } : o)) } : q,
    );
    expect(profileSummaryParts(renamed, PREFERENCES)).toContain('AI/ML: nothing yet');
  });

  it('handles the other answers', () => {
    expect(
      profileSummaryParts(QUESTIONS, {
        educationLevel: 'undergraduate',
        programmingExperience: 'none',
        roboticsBackground: true,
        aiMlExperience: 'advanced',
        learningGoals: ['career_change', 'building_projects'],
        preferredLanguage: 'ur',
      }),
    ).toEqual([
      'an undergraduate',
      'new to programming',
      'robotics background',
      'AI/ML: advanced',
      'goals: career change, building projects',
      'in اردو (Urdu)',
    ]);
    expect(profileSummaryParts(QUESTIONS, { ...PREFERENCES, educationLevel: 'high_school' })[0]).toBe('a high school student');
  });

  it('says in short who a personalized lesson is for, naming the language in English', () => {
    expect(personalizedFor(QUESTIONS, { ...PREFERENCES, educationLevel: 'undergraduate', preferredLanguage: 'ur' })).toBe(
      'an undergraduate · beginner programmer · new to robotics · in Urdu',
    );
    expect(personalizedFor(QUESTIONS, PREFERENCES)).toBe('a graduate · beginner programmer · new to robotics · in English');
  });
});
