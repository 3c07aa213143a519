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
