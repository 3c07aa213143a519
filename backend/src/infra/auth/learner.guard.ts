import { CanActivate, createParamDecorator, ExecutionContext, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { FastifyRequest } from 'fastify';
import type { DataSource } from 'typeorm';
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

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Admits a request carrying a valid learner token whose learner exists, and
 * records whose it is. A validly signed token for a learner who is gone
 * (deleted, or another database) answers 401, never a foreign-key 500 later.
 */
@Injectable()
export class LearnerGuard implements CanActivate {
  constructor(
    private readonly tokens: TokenService,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<RequestWithLearner>();
    const token = bearerToken(request);
    if (!token) throw new UnauthorizedError('Missing bearer token: send Authorization: Bearer <token>');
    const result = this.tokens.verify(token);
    if (!result.ok) throw new UnauthorizedError(REASONS[result.reason]);
    const userId = result.claims.sub;
    if (!UUID.test(userId) || !(await this.exists(userId))) {
      throw new UnauthorizedError('This learner no longer exists; create a new learner');
    }
    request.learner = { userId };
    return true;
  }

  private async exists(userId: string): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query('SELECT 1 FROM users WHERE id = $1', [userId]);
    return rows.length > 0;
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
