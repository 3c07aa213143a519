import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { FEEDBACK_REASONS, type FeedbackReason, type PersonalizeFeedbackSummary } from '@lectern/api-types';
import { MetricsService, NotFoundError } from '@lectern/infra';
import { Repository } from 'typeorm';
import { PersonalizeFeedbackEntity } from '../entities/personalize-feedback.entity';
import { PersonalizeService } from '../personalize.service';
import type { PersonalizeFeedbackDto } from './personalize-feedback.dto';

/** Learners' thumbs up/down on their rewrites, and the summary operators read. */
@Injectable()
export class PersonalizeFeedbackService {
  constructor(
    @InjectRepository(PersonalizeFeedbackEntity) private readonly feedback: Repository<PersonalizeFeedbackEntity>,
    private readonly personalize: PersonalizeService,
    private readonly metrics: MetricsService,
  ) {}

  /** Stores the learner's verdict on the rewrite they would read now (replacing an earlier one); 404 without one. */
  async submit(userId: string, input: PersonalizeFeedbackDto): Promise<void> {
    const key = await this.personalize.keyFor(userId, input.lessonSlug);
    const rewrite = await this.personalize.find(key);
    if (!rewrite) throw new NotFoundError('rewrite_not_found', `You have no personalized version of ${input.lessonSlug} to rate`);
    const comment = input.comment?.trim() ? input.comment.trim() : null;
    await this.feedback.upsert(
      { userId, ...key, rating: input.rating, reason: input.reason ?? null, comment, updatedAt: new Date() },
      { conflictPaths: ['userId', 'lessonSlug', 'contentHash', 'preferencesHash', 'promptVersion', 'model'] },
    );
    this.metrics.personalizeFeedback.inc({ rating: input.rating, reason: input.reason ?? 'none' });
  }

  /** Ups, downs and the reasons given, per lesson and prompt version (most rated first). */
  async summary(): Promise<PersonalizeFeedbackSummary[]> {
    const rows: Array<{ lesson: string; version: number; rating: string; reason: string | null; n: string }> = await this.feedback
      .createQueryBuilder('f')
      .select('f.lesson_slug', 'lesson')
      .addSelect('f.prompt_version', 'version')
      .addSelect('f.rating', 'rating')
      .addSelect('f.reason', 'reason')
      .addSelect('count(*)', 'n')
      .groupBy('f.lesson_slug')
      .addGroupBy('f.prompt_version')
      .addGroupBy('f.rating')
      .addGroupBy('f.reason')
      .getRawMany();
    const byKey = new Map<string, PersonalizeFeedbackSummary>();
    for (const row of rows) {
      const id = `${row.lesson}\n${row.version}`;
      let entry = byKey.get(id);
      if (!entry) {
        entry = { lessonSlug: row.lesson, promptVersion: Number(row.version), ups: 0, downs: 0, reasons: {} };
        byKey.set(id, entry);
      }
      const n = Number(row.n);
      if (row.rating === 'up') entry.ups += n;
      else entry.downs += n;
      if (row.reason && (FEEDBACK_REASONS as readonly string[]).includes(row.reason)) {
        const reason = row.reason as FeedbackReason;
        entry.reasons[reason] = (entry.reasons[reason] ?? 0) + n;
      }
    }
    return [...byKey.values()].sort(
      (a, b) => b.ups + b.downs - (a.ups + a.downs) || a.lessonSlug.localeCompare(b.lessonSlug) || a.promptVersion - b.promptVersion,
    );
  }
}
