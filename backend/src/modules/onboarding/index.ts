export { OnboardingModule } from './onboarding.module';
export { OnboardingService, answersOf } from './onboarding.service';
export { canonicalPreferences, preferencesHash } from './preferences-hash';
export { QUESTIONS } from './questionnaire';
