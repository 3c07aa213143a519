import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { CreateUserResponse, OnboardingAnswers } from '@lectern/api-types';

export const SAMPLE_ANSWERS: OnboardingAnswers = {
  educationLevel: 'undergraduate',
  programmingExperience: 'beginner',
  roboticsBackground: false,
  aiMlExperience: 'basic',
  learningGoals: ['building_projects', 'hobby'],
  preferredLanguage: 'en',
};

export function bearer(token: string): { authorization: string } {
  return { authorization: `Bearer ${token}` };
}

/** Creates a learner through the API; optionally onboards them. */
export async function createLearner(
  app: NestFastifyApplication,
  answers?: Partial<OnboardingAnswers>,
): Promise<{ id: string; token: string }> {
  const created = await app.inject({ method: 'POST', url: '/api/user/create' });
  if (created.statusCode !== 201) throw new Error(`create user answered ${created.statusCode}: ${created.body}`);
  const { user, token } = created.json<CreateUserResponse>();
  if (answers) {
    const onboarded = await app.inject({
      method: 'POST',
      url: '/api/onboarding',
      headers: bearer(token),
      payload: { ...SAMPLE_ANSWERS, ...answers },
    });
    if (onboarded.statusCode !== 201) throw new Error(`onboarding answered ${onboarded.statusCode}: ${onboarded.body}`);
  }
  return { id: user.id, token };
}
