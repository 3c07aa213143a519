import { Injectable } from '@nestjs/common';
import { ContentService } from '@lectern/content';
import { LlmNotConfiguredError, LlmService, QueueService } from '@lectern/infra';
import { OnboardingService } from '@lectern/onboarding';
import { personalizeJobId, type PersonalizeKey } from './personalize-key';
import { PersonalizeService } from './personalize.service';
import { PERSONALIZE_QUEUE } from './personalize.jobs';
import { PROMPT_VERSION } from './prompt';

/** Instructions and profile around the lesson in a prompt, in tokens (for the estimate). */
const PROMPT_OVERHEAD_TOKENS = 900;

export interface WarmupPlan {
  profiles: Array<{ preferencesHash: string; learners: number }>;
  lessons: number;
  /** Rewrites not in the cache yet. */
  missing: PersonalizeKey[];
  alreadyCached: number;
  estimatedPromptTokens: number;
  estimatedCompletionTokens: number;
  estimatedCostUsd: number;
  model: string;
}

/** Pre-generates rewrites for the most common profiles, so learners find them cached. */
@Injectable()
export class PersonalizeWarmupService {
  constructor(
    private readonly content: ContentService,
    private readonly onboarding: OnboardingService,
    private readonly personalize: PersonalizeService,
    private readonly queues: QueueService,
    private readonly llm: LlmService,
  ) {}

  async plan(options: { lessonSlug?: string; profiles: number }): Promise<WarmupPlan> {
    const profiles = await this.onboarding.commonProfiles(options.profiles);
    const lessons = options.lessonSlug ? [await this.content.lesson(options.lessonSlug)] : (await this.content.snapshot()).order;
    const plan: WarmupPlan = {
      profiles,
      lessons: lessons.length,
      missing: [],
      alreadyCached: 0,
      estimatedPromptTokens: 0,
      estimatedCompletionTokens: 0,
      estimatedCostUsd: 0,
      model: this.llm.model,
    };
    for (const lesson of lessons) {
      const markdown = await this.content.textOf(lesson);
      for (const profile of profiles) {
        const key: PersonalizeKey = {
          lessonSlug: lesson.slug,
          contentHash: lesson.contentHash,
          preferencesHash: profile.preferencesHash,
          promptVersion: PROMPT_VERSION,
          model: this.llm.model,
        };
        if (await this.personalize.find(key)) {
          plan.alreadyCached += 1;
          continue;
        }
        plan.missing.push(key);
        const lessonTokens = Math.ceil(markdown.length / 4);
        plan.estimatedPromptTokens += lessonTokens + PROMPT_OVERHEAD_TOKENS;
        plan.estimatedCompletionTokens += Math.ceil(lessonTokens * 1.3);
      }
    }
    plan.estimatedCostUsd = this.llm.costUsd(plan.estimatedPromptTokens, plan.estimatedCompletionTokens);
    return plan;
  }

  /** Enqueues the plan's rewrites and waits for them, reporting (done, total, failed). */
  async run(
    plan: WarmupPlan,
    onProgress: (done: number, total: number, failed: number) => void,
    timeoutMs = 30 * 60_000,
  ): Promise<{ completed: number; failed: number }> {
    if (!this.llm.configured) throw new LlmNotConfiguredError();
    const ids = [];
    for (const key of plan.missing)
      ids.push(String((await this.queues.enqueueUnique(PERSONALIZE_QUEUE, 'rewrite', key, personalizeJobId(key))).id));
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const states = await Promise.all(ids.map((id) => this.queues.status(PERSONALIZE_QUEUE, id).then((s) => s?.state ?? 'failed')));
      const completed = states.filter((s) => s === 'completed').length;
      const failed = states.filter((s) => s === 'failed').length;
      onProgress(completed + failed, ids.length, failed);
      if (completed + failed === ids.length) return { completed, failed };
      if (Date.now() > deadline)
        throw new Error(`Warm-up timed out with ${completed + failed}/${ids.length} done: is a worker running (npm start runs one)?`);
      await new Promise((r) => setTimeout(r, 1_000));
    }
  }
}
