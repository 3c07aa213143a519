import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { OnboardingAnswersDto, UpdatePreferencesDto } from './onboarding-answers.dto';

const valid = {
  educationLevel: 'high_school',
  programmingExperience: 'none',
  roboticsBackground: false,
  aiMlExperience: 'none',
  learningGoals: ['hobby'],
  preferredLanguage: 'en',
};

function fieldsAtFault(cls: new () => object, body: Record<string, unknown>): string[] {
  const errors = validateSync(plainToInstance(cls, body), { whitelist: true, forbidNonWhitelisted: true, stopAtFirstError: true });
  return errors.map((e) => e.property).sort();
}

describe('OnboardingAnswersDto', () => {
  it('accepts a complete, valid set of answers', () => {
    expect(fieldsAtFault(OnboardingAnswersDto, valid)).toEqual([]);
  });

  it('lets preferredLanguage be left out', () => {
    const { preferredLanguage: _omitted, ...rest } = valid;
    expect(fieldsAtFault(OnboardingAnswersDto, rest)).toEqual([]);
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['missing', { educationLevel: undefined }, 'educationLevel'],
    ['unknown option', { programmingExperience: 'wizard' }, 'programmingExperience'],
    ['wrong type (string boolean)', { roboticsBackground: 'true' }, 'roboticsBackground'],
    ['wrong type (number)', { aiMlExperience: 3 }, 'aiMlExperience'],
    ['no goals', { learningGoals: [] }, 'learningGoals'],
    [
      'too many goals',
      { learningGoals: ['hobby', 'research', 'teaching', 'career_change', 'building_projects', 'hobby'] },
      'learningGoals',
    ],
    ['repeated goal', { learningGoals: ['hobby', 'hobby'] }, 'learningGoals'],
    ['unknown goal', { learningGoals: ['fame'] }, 'learningGoals'],
    ['goals not a list', { learningGoals: 'hobby' }, 'learningGoals'],
    ['unknown language', { preferredLanguage: 'fr' }, 'preferredLanguage'],
    ['extra field', { favouriteColour: 'blue' }, 'favouriteColour'],
  ])('rejects %s, naming the field', (_case, change, field) => {
    expect(fieldsAtFault(OnboardingAnswersDto, { ...valid, ...change })).toEqual([field]);
  });
});

describe('UpdatePreferencesDto', () => {
  it('accepts any subset', () => {
    expect(fieldsAtFault(UpdatePreferencesDto, { programmingExperience: 'advanced' })).toEqual([]);
  });

  it('carries no defaults, so a partial change touches only what was sent', () => {
    expect(
      Object.entries(plainToInstance(UpdatePreferencesDto, { programmingExperience: 'advanced' })).filter(([, v]) => v !== undefined),
    ).toEqual([['programmingExperience', 'advanced']]);
  });

  it('still rejects bad values and unknown fields', () => {
    expect(fieldsAtFault(UpdatePreferencesDto, { programmingExperience: 'guru', nickname: 'x' })).toEqual([
      'nickname',
      'programmingExperience',
    ]);
  });
});
