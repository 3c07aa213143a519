import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { QUESTIONNAIRE_VERSION, type OnboardingAnswers } from '@lectern/api-types';
import { NotFoundError, toFieldErrors, ValidationFailedError } from '@lectern/infra';
import { UsersService } from '@lectern/users';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { DataSource, Repository } from 'typeorm';
import { OnboardingAnswersDto, type UpdatePreferencesDto } from './dto/onboarding-answers.dto';
import { LearnerPreferencesEntity } from './entities/learner-preferences.entity';
import { preferencesHash } from './preferences-hash';
import { PreferencesHashCache } from './preferences-hash-cache';

/** The answers as submitted: preferredLanguage may be left out (it defaults to en). */
export type SubmittedAnswers = Omit<OnboardingAnswers, 'preferredLanguage'> & Partial<Pick<OnboardingAnswers, 'preferredLanguage'>>;

@Injectable()
export class OnboardingService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectRepository(LearnerPreferencesEntity) private readonly preferences: Repository<LearnerPreferencesEntity>,
    private readonly users: UsersService,
    private readonly hashes: PreferencesHashCache,
  ) {}

  /** Stores the answers (replacing any earlier ones) and marks the learner onboarded, atomically. */
  async submit(userId: string, answers: SubmittedAnswers): Promise<LearnerPreferencesEntity> {
    const stored = await this.dataSource.transaction(async (manager) => {
      await this.users.markOnboarded(userId, manager);
      const repo = manager.getRepository(LearnerPreferencesEntity);
      const row = normalise(userId, answers);
      await repo.upsert(row, { conflictPaths: ['userId'] });
      return repo.findOneByOrFail({ userId });
    });
    await this.hashes.changed(userId);
    return stored;
  }

  /** The learner's preferences hash (what rewrites are cached on), or null before onboarding; from memory on the hot path. */
  async preferencesHash(userId: string): Promise<string | null> {
    return this.hashes.get(userId, async () => {
      const [row] = (await this.dataSource.query('SELECT preferences_hash FROM learner_preferences WHERE user_id = $1', [userId])) as Array<{
        preferences_hash: string;
      }>;
      return row?.preferences_hash ?? null;
    });
  }

  async get(userId: string): Promise<LearnerPreferencesEntity> {
    const row = await this.preferences.findOneBy({ userId });
    if (!row) throw new NotFoundError('preferences_not_found', 'No preferences yet: complete onboarding first (POST /api/onboarding)');
    return row;
  }

  /** Returns the learner's preferences, or null before onboarding. */
  async find(userId: string): Promise<LearnerPreferencesEntity | null> {
    return this.preferences.findOneBy({ userId });
  }

  /** The answers behind a preferences hash (any learner who has them), or null when nobody does any more. */
  async answersForHash(preferencesHash: string): Promise<OnboardingAnswers | null> {
    const row = await this.preferences.findOne({ where: { preferencesHash }, order: { updatedAt: 'DESC' } });
    return row ? answersOf(row) : null;
  }

  /** The most common profiles among learners, most learners first (for cache warm-up). */
  async commonProfiles(limit: number): Promise<Array<{ preferencesHash: string; learners: number }>> {
    const rows: Array<{ hash: string; learners: string }> = await this.preferences
      .createQueryBuilder('p')
      .select('p.preferences_hash', 'hash')
      .addSelect('count(*)', 'learners')
      .groupBy('p.preferences_hash')
      .orderBy('learners', 'DESC')
      .addOrderBy('hash', 'ASC')
      .limit(limit)
      .getRawMany();
    return rows.map((r) => ({ preferencesHash: r.hash, learners: Number(r.learners) }));
  }

  /**
   * Applies a full or partial change. The merged answers must form a complete,
   * valid profile (so a partial change before onboarding names what is missing).
   * Read, merge and write happen in one transaction holding the learner's row
   * lock, so concurrent partial changes all land (none overwrites another
   * with answers it read before the other committed).
   */
  async update(userId: string, change: UpdatePreferencesDto): Promise<LearnerPreferencesEntity> {
    const present = Object.fromEntries(Object.entries(change).filter(([, v]) => v !== undefined));
    if (Object.keys(present).length === 0) {
      throw new ValidationFailedError([], 'Send at least one answer to change');
    }
    const stored = await this.dataSource.transaction(async (manager) => {
      // Serializes this learner's preference changes (the preferences row may not exist yet, the user row does).
      await manager.query('SELECT id FROM users WHERE id = $1 FOR UPDATE', [userId]);
      const current = await manager.getRepository(LearnerPreferencesEntity).findOneBy({ userId });
      const merged = plainToInstance(OnboardingAnswersDto, { ...(current ? answersOf(current) : {}), ...present });
      const errors = validateSync(merged, { whitelist: true, forbidNonWhitelisted: true, stopAtFirstError: true });
      if (errors.length > 0) {
        const details = toFieldErrors(errors);
        throw new ValidationFailedError(details, details.map((d) => d.message).join('; '));
      }
      await this.users.markOnboarded(userId, manager);
      const repo = manager.getRepository(LearnerPreferencesEntity);
      await repo.upsert(normalise(userId, merged), { conflictPaths: ['userId'] });
      return repo.findOneByOrFail({ userId });
    });
    await this.hashes.changed(userId);
    return stored;
  }
}

export function answersOf(row: LearnerPreferencesEntity): OnboardingAnswers {
  return {
    educationLevel: row.educationLevel,
    programmingExperience: row.programmingExperience,
    roboticsBackground: row.roboticsBackground,
    aiMlExperience: row.aiMlExperience,
    learningGoals: [...row.learningGoals],
    preferredLanguage: row.preferredLanguage,
  };
}

function normalise(userId: string, answers: SubmittedAnswers): Partial<LearnerPreferencesEntity> {
  return {
    userId,
    educationLevel: answers.educationLevel,
    programmingExperience: answers.programmingExperience,
    roboticsBackground: answers.roboticsBackground,
    aiMlExperience: answers.aiMlExperience,
    learningGoals: [...new Set(answers.learningGoals)].sort(),
    preferredLanguage: answers.preferredLanguage ?? 'en',
    questionnaireVersion: QUESTIONNAIRE_VERSION,
    preferencesHash: preferencesHash({ ...answers, preferredLanguage: answers.preferredLanguage ?? 'en' }),
    updatedAt: new Date(),
  };
}
