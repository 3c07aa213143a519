import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { answerBeforeRouting, type EarlyRead } from '@lectern/infra';
import type { FastifyInstance } from 'fastify';
import { bookAnswer, lessonAnswer, lessonContentAnswer, textAnswer } from './content-answers';
import { ContentService } from './content.service';

/**
 * The public book's hot reads (the tree, a lesson, its text, a text by hash)
 * answered before Nest routes them (answerBeforeRouting), with the answers
 * ContentController sends (content-answers.ts). These routes have no guard,
 * pipe or interceptor to skip; an unknown lesson, a bad path or an error
 * falls through to the controller, which answers it as before.
 */
@Injectable()
export class ContentFastPath implements OnModuleInit {
  private readonly logger = new Logger(ContentFastPath.name);
  private counter = { answered: 0 };

  constructor(
    private readonly host: HttpAdapterHost,
    private readonly content: ContentService,
  ) {}

  /** Reads answered here since start (the rest went on to the controller). */
  get answered(): number {
    return this.counter.answered;
  }

  onModuleInit(): void {
    // The CLI and the worker have no HTTP server.
    const fastify = this.host.httpAdapter?.getInstance() as FastifyInstance | undefined;
    if (!fastify) return;
    const content = this.content;
    const reads: EarlyRead[] = [
      { pattern: /^\/api\/content\/book$/, answer: (_m, request) => bookAnswer(content, request.headers['if-none-match']) },
      { pattern: /^\/api\/content\/lessons\/([^/]+)$/, answer: (m) => lessonAnswer(content, decodeURIComponent(m[1])) },
      {
        pattern: /^\/api\/content\/lessons\/([^/]+)\/content$/,
        answer: (m, request) => lessonContentAnswer(content, decodeURIComponent(m[1]), request.headers['if-none-match']),
      },
      { pattern: /^\/api\/content\/text\/([0-9a-f]{64})\.md$/, answer: async (m) => textAnswer(content, await content.lessonByHash(m[1])) },
    ];
    this.counter = answerBeforeRouting(fastify, reads);
    this.logger.debug('Hot content reads answered before routing');
  }
}
