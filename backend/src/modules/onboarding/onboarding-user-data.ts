import { Injectable, OnModuleInit } from '@nestjs/common';
import { UserDataRegistry, type UserDataProvider } from '@lectern/users';
import type { EntityManager } from 'typeorm';
import { LearnerPreferencesEntity } from './entities/learner-preferences.entity';
import { answersOf } from './onboarding.service';
import { PreferencesHashCache } from './preferences-hash-cache';

/** A learner's onboarding answers in the account lifecycle: on merge, the account's answers win; an account without any takes the anonymous ones. */
@Injectable()
export class OnboardingUserData implements UserDataProvider, OnModuleInit {
  readonly name = 'answers';

  constructor(
    private readonly registry: UserDataRegistry,
    private readonly hashes: PreferencesHashCache,
  ) {}

  onModuleInit(): void {
    this.registry.register(this);
  }

  async export(userId: string, manager: EntityManager): Promise<unknown> {
    const row = await manager.getRepository(LearnerPreferencesEntity).findOneBy({ userId });
    return row ? { ...answersOf(row), preferencesHash: row.preferencesHash, updatedAt: row.updatedAt.toISOString() } : null;
  }

  async merge(fromUserId: string, intoUserId: string, manager: EntityManager): Promise<void> {
    await manager.query(
      `INSERT INTO learner_preferences (user_id, education_level, programming_experience, robotics_background, ai_ml_experience,
         learning_goals, preferred_language, questionnaire_version, preferences_hash, created_at, updated_at)
       SELECT $2, education_level, programming_experience, robotics_background, ai_ml_experience,
         learning_goals, preferred_language, questionnaire_version, preferences_hash, created_at, updated_at
       FROM learner_preferences WHERE user_id = $1
       ON CONFLICT (user_id) DO NOTHING`,
      [fromUserId, intoUserId],
    );
  }

  async delete(userId: string, manager: EntityManager): Promise<void> {
    await manager.query('DELETE FROM learner_preferences WHERE user_id = $1', [userId]);
    // Before the commit (the caller's transaction): a copy read again meanwhile is of a learner whose sessions are being ended with them.
    await this.hashes.changed(userId);
  }
}
