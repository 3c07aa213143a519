import { CanActivate, createParamDecorator, ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { UnauthorizedError } from '../errors/domain-error';
import { TokenService } from './token.service';

export interface LearnerIdentity {
  userId: string;
}

type RequestWithLearner = FastifyRequest & { learner?: LearnerIdentity };

export function bearerToken(request: Pick<FastifyRequest, 'headers'>): string | undefined {
  const header = request.headers.authorization;
  if (typeof header !== 'string') return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

const REASONS = {
  malformed: 'The token is not a Lectern token',
  bad_signature: 'The token signature is invalid',
  expired: 'The token has expired; create a new learner',
} as const;

/** Admits a request carrying a valid learner token and records whose it is. */
@Injectable()
export class LearnerGuard implements CanActivate {
  constructor(private readonly tokens: TokenService) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<RequestWithLearner>();
    const token = bearerToken(request);
    if (!token) throw new UnauthorizedError('Missing bearer token: send Authorization: Bearer <token>');
    const result = this.tokens.verify(token);
    if (!result.ok) throw new UnauthorizedError(REASONS[result.reason]);
    request.learner = { userId: result.claims.sub };
    return true;
  }
}

/** The learner a LearnerGuard admitted. */
export const Learner = createParamDecorator((_: unknown, context: ExecutionContext): LearnerIdentity => {
  const learner = context.switchToHttp().getRequest<RequestWithLearner>().learner;
  if (!learner) throw new UnauthorizedError('Missing bearer token: send Authorization: Bearer <token>');
  return learner;
});
