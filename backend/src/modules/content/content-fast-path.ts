import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { bookAnswer, type ContentAnswer, lessonAnswer, lessonContentAnswer, textAnswer } from './content-answers';
import { ContentService } from './content.service';

/** The hot reads answered here, by path (without the query). */
const ROUTES: Array<[RegExp, (content: ContentService, match: RegExpExecArray, ifNoneMatch: string | string[] | undefined) => Promise<ContentAnswer>]> = [
  [/^\/api\/content\/book$/, (content, _m, ifNoneMatch) => bookAnswer(content, ifNoneMatch)],
  [/^\/api\/content\/lessons\/([^/]+)$/, (content, m) => lessonAnswer(content, decodeURIComponent(m[1]))],
  [/^\/api\/content\/lessons\/([^/]+)\/content$/, (content, m, ifNoneMatch) => lessonContentAnswer(content, decodeURIComponent(m[1]), ifNoneMatch)],
  [/^\/api\/content\/text\/([0-9a-f]{64})\.md$/, async (content, m) => textAnswer(content, await content.lessonByHash(m[1]))],
];

/**
 * The public book's hot reads (the tree, a lesson, its text, a text by hash)
 * answered in Fastify's onRequest, before Nest routes the request: the same
 * answers ContentController sends (content-answers.ts), without Nest's
 * per-request pipeline (parameter pipes, guards, interceptors, the response
 * controller), which was a quarter of such a read's cost in the load bench.
 * These routes have no guard, pipe or interceptor to skip: they are public
 * and take no body. Security headers (helmet), input limits and metrics are
 * Fastify hooks and still apply; anything that is not a plain hit (an
 * unknown lesson, a bad path, an error) falls through to the controller,
 * which answers it as before.
 */
@Injectable()
export class ContentFastPath implements OnModuleInit {
  private readonly logger = new Logger(ContentFastPath.name);
  /** Reads answered here since start (the rest went on to the controller). */
  answered = 0;

  constructor(
    private readonly host: HttpAdapterHost,
    private readonly content: ContentService,
  ) {}

  onModuleInit(): void {
    // The CLI and the worker have no HTTP server.
    const fastify = this.host.httpAdapter?.getInstance() as FastifyInstance | undefined;
    if (!fastify) return;
    fastify.addHook('onRequest', (request, reply, done) => {
      if (request.method !== 'GET') return done();
      const path = request.url.split('?', 1)[0];
      for (const [pattern, answer] of ROUTES) {
        const match = pattern.exec(path);
        if (!match) continue;
        // In a promise: a bad path (a slug that is not valid percent-encoding) falls through too, it does not throw here.
        Promise.resolve()
          .then(() => answer(this.content, match, request.headers['if-none-match']))
          .then(
            (a) => {
              this.answered += 1;
              void reply.status(a.status).headers(a.headers).send(a.body);
            },
            // Not a plain hit: the controller answers it (its 404 or error, as always).
            () => done(),
          );
        return;
      }
      done();
    });
    this.logger.debug('Hot content reads answered before routing');
  }
}
