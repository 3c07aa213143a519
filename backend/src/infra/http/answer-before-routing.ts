import { Logger, type OnModuleInit } from '@nestjs/common';
import type { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';

/** A ready HTTP answer: status, headers and the body's bytes (none on a 304). */
export interface ReadyAnswer {
  status: number;
  headers: Record<string, string>;
  body?: Buffer;
}

/**
 * A hot read answered before routing: its path pattern and what answers it.
 * `answer` resolves to the answer, or to `undefined` (or rejects) when the
 * request is not a plain hit; the route's controller then answers it as usual.
 */
export interface EarlyRead {
  pattern: RegExp;
  answer: (match: RegExpExecArray, request: FastifyRequest) => Promise<ReadyAnswer | undefined> | ReadyAnswer | undefined;
}

/**
 * Answers public GET reads in Fastify's onRequest, before Nest routes them:
 * the same answers their controllers send, without Nest's per-request
 * pipeline (parameter pipes, guards, interceptors, the response
 * controller), which was a quarter of such a read's cost in the load bench.
 * Only for routes with no guard, pipe or interceptor to skip: public and
 * bodiless. The hooks registered before this one (security headers, input
 * limits) and the onResponse ones (metrics) still apply. Anything that is not
 * a plain hit (an unknown id, a bad path, an error) falls through to the
 * controller. Returns a counter of the reads answered here.
 */
export function answerBeforeRouting(fastify: FastifyInstance, reads: readonly EarlyRead[]): { answered: number } {
  const counter = { answered: 0 };
  fastify.addHook('onRequest', (request, reply, done) => {
    if (request.method !== 'GET') return done();
    const query = request.url.indexOf('?');
    const path = query < 0 ? request.url : request.url.slice(0, query);
    for (const { pattern, answer } of reads) {
      const match = pattern.exec(path);
      if (!match) continue;
      // In a promise: a bad path (a slug that is not valid percent-encoding) falls through too, it does not throw here.
      Promise.resolve()
        .then(() => answer(match, request))
        .then(
          (a) => {
            if (!a) return done();
            counter.answered += 1;
            void reply.status(a.status).headers(a.headers).send(a.body);
          },
          () => done(),
        );
      return;
    }
    done();
  });
  return counter;
}

/**
 * A provider whose `reads()` are answered before routing
 * (answerBeforeRouting), installed once the module is initialised, in the
 * api only: the CLI and the worker have no HTTP server.
 */
export abstract class EarlyReads implements OnModuleInit {
  private counter = { answered: 0 };

  protected constructor(private readonly host: HttpAdapterHost) {}

  /** Reads answered here since start (the rest went on to the controller). */
  get answered(): number {
    return this.counter.answered;
  }

  /** The reads to answer, each with the same answer its controller sends. */
  protected abstract reads(): EarlyRead[];

  onModuleInit(): void {
    const fastify = this.host.httpAdapter?.getInstance() as FastifyInstance | undefined;
    if (!fastify) return;
    this.counter = answerBeforeRouting(fastify, this.reads());
    new Logger(this.constructor.name).debug('Reads answered before routing');
  }
}
