import { Injectable, Logger } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { LESSON_CHANGED, LESSON_REMOVED, type LessonChangedEvent, type LessonRemovedEvent } from '@lectern/content';
import { PersonalizeService } from './personalize.service';

/** When a lesson's text changes or the lesson goes, its rewrites of the old text stop being served. */
@Injectable()
export class PersonalizeContentListener {
  private readonly logger = new Logger(PersonalizeContentListener.name);

  constructor(private readonly personalize: PersonalizeService) {}

  @OnEvent(LESSON_CHANGED, { async: true, promisify: true })
  async lessonChanged(event: LessonChangedEvent): Promise<void> {
    if (event.metadataOnly || !event.previousHash) return;
    const stale = await this.personalize.markStale(event.slug, event.previousHash);
    if (stale) this.logger.log(`${event.slug} changed: ${stale} rewrite(s) of its old text marked stale`);
  }

  @OnEvent(LESSON_REMOVED, { async: true, promisify: true })
  async lessonRemoved(event: LessonRemovedEvent): Promise<void> {
    await this.personalize.markStale(event.slug, event.contentHash);
  }
}
