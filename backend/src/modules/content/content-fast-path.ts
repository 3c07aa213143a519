import { Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { EarlyReads, type EarlyRead } from '@lectern/infra';
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
export class ContentFastPath extends EarlyReads {
  constructor(
    host: HttpAdapterHost,
    private readonly content: ContentService,
  ) {
    super(host);
  }

  protected reads(): EarlyRead[] {
    const content = this.content;
    return [
      { pattern: /^\/api\/content\/book$/, answer: (_m, request) => bookAnswer(content, request.headers['if-none-match']) },
      { pattern: /^\/api\/content\/lessons\/([^/]+)$/, answer: (m) => lessonAnswer(content, decodeURIComponent(m[1])) },
      {
        pattern: /^\/api\/content\/lessons\/([^/]+)\/content$/,
        answer: (m, request) => lessonContentAnswer(content, decodeURIComponent(m[1]), request.headers['if-none-match']),
      },
      { pattern: /^\/api\/content\/text\/([0-9a-f]{64})\.md$/, answer: async (m) => textAnswer(content, await content.lessonByHash(m[1])) },
    ];
  }
}
