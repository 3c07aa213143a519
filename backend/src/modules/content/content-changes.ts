import { Inject, Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { AppConfig, ChangeChannel, REDIS } from '@lectern/infra';
import type Redis from 'ioredis';
import { BOOK_CHANGED, type BookChangedEvent } from './content.events';

/**
 * "The book changed": published on Redis by the process that ran a sync (the
 * worker, the CLI or a test), heard by every process that caches the book
 * (each api instance, each worker). ContentService trusts its in-memory copy
 * only while this channel is subscribed and no message came since the copy
 * was made.
 */
@Injectable()
export class ContentChanges implements OnModuleInit, OnApplicationShutdown {
  readonly channel: ChangeChannel<BookChangedEvent>;

  constructor(config: AppConfig, @Inject(REDIS) redis: Redis) {
    this.channel = new ChangeChannel<BookChangedEvent>(config.REDIS_URL, `${config.QUEUE_PREFIX}:content:changed`, redis);
  }

  async onModuleInit(): Promise<void> {
    await this.channel.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.channel.stop();
  }

  @OnEvent(BOOK_CHANGED, { async: true, promisify: true })
  async synced(event: BookChangedEvent): Promise<void> {
    await this.channel.publish(event);
  }
}
