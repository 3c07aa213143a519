import { Injectable } from '@nestjs/common';
import { ContentService, type BookSnapshot } from '@lectern/content';
import { answersOf, OnboardingService } from '@lectern/onboarding';
import { ProgressService } from '@lectern/progress';
import type { RecommendationsResponse } from '@lectern/api-types';
import { rankLessons, type LessonInfo } from './recommender';

interface BookInputs {
  lessons: LessonInfo[];
  chapterPrerequisites: Map<number, number[]>;
}

/** Gathers the book, the learner's progress and answers, and lets the pure recommender decide. */
@Injectable()
export class RecommendationsService {
  /** The recommender's view of a book, built once per snapshot (a sync makes a new snapshot). */
  private readonly inputs = new WeakMap<BookSnapshot, BookInputs>();

  constructor(
    private readonly content: ContentService,
    private readonly progress: ProgressService,
    private readonly onboarding: OnboardingService,
  ) {}

  async forLearner(userId: string, limit: number): Promise<RecommendationsResponse> {
    const [snapshot, statuses, preferences] = await Promise.all([
      this.content.snapshot(),
      this.progress.statuses(userId),
      this.onboarding.find(userId),
    ]);
    const { lessons, chapterPrerequisites } = this.bookInputs(snapshot);
    return rankLessons({ lessons, chapterPrerequisites, progress: statuses, profile: preferences ? answersOf(preferences) : null, limit });
  }

  private bookInputs(snapshot: BookSnapshot): BookInputs {
    const cached = this.inputs.get(snapshot);
    if (cached) return cached;
    const built: BookInputs = {
      lessons: snapshot.order.map((l) => ({
        slug: l.slug,
        title: l.title,
        type: l.type,
        layer: l.layer,
        chapterNumber: l.chapterNumber,
        chapterTitle: l.chapterTitle,
        partTitle: l.partTitle,
        prerequisites: l.prerequisites,
        goals: l.goals,
        estimatedMinutes: l.estimatedMinutes,
      })),
      chapterPrerequisites: new Map(
        snapshot.tree.parts.flatMap((p) => p.chapters.map((c) => [c.number, c.prerequisites] as [number, number[]])),
      ),
    };
    this.inputs.set(snapshot, built);
    return built;
  }
}
