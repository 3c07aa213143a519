import { CanActivate, createParamDecorator, ExecutionContext, Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { UnauthorizedError } from '../errors/domain-error';
import { SessionVerifier } from './session-verifier';

export interface LearnerIdentity {
  userId: string;
  /** The server-side session the token belongs to (what sign-out ends). */
  sessionId?: string;
}

type RequestWithLearner = FastifyRequest & { learner?: LearnerIdentity };

export function bearerToken(request: Pick<FastifyRequest, 'headers'>): string | undefined {
  const header = request.headers.authorization;
  if (typeof header !== 'string') return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

/**
 * Admits a request carrying the token of a live server-side session and
 * records whose it is. The sessions belong to the users module, which
 * provides the SessionVerifier; it is looked up once, lazily, so apps and
 * tests without learner routes need not load it.
 */
@Injectable()
export class LearnerGuard implements CanActivate {
  private verifier?: SessionVerifier;

  constructor(private readonly moduleRef: ModuleRef) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<RequestWithLearner>();
    const token = bearerToken(request);
    if (!token) throw new UnauthorizedError('Missing bearer token: send Authorization: Bearer <token>');
    this.verifier ??= this.moduleRef.get(SessionVerifier, { strict: false });
    const result = await this.verifier.verify(token);
    if (!result.ok) throw new UnauthorizedError(result.message);
    request.learner = { userId: result.userId, sessionId: result.sessionId };
    return true;
  }
}

/**
 * For routes open to anonymous clients that do more for a learner (search):
 * no Authorization header → anonymous (no `learner`); a token → checked like
 * LearnerGuard (401 when it is forged, expired or its learner is gone).
 */
@Injectable()
export class OptionalLearnerGuard extends LearnerGuard {
  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<RequestWithLearner>();
    if (request.headers.authorization === undefined) return true;
    return super.canActivate(context);
  }
}

/** The learner an OptionalLearnerGuard admitted, or undefined for an anonymous request. */
export const OptionalLearner = createParamDecorator(
  (_: unknown, context: ExecutionContext): LearnerIdentity | undefined => context.switchToHttp().getRequest<RequestWithLearner>().learner,
);

/** The learner a LearnerGuard admitted. */
export const Learner = createParamDecorator((_: unknown, context: ExecutionContext): LearnerIdentity => {
  const learner = context.switchToHttp().getRequest<RequestWithLearner>().learner;
  if (!learner) throw new UnauthorizedError('Missing bearer token: send Authorization: Bearer <token>');
  return learner;
});
