import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { createHash, timingSafeEqual } from 'node:crypto';
import { AppConfig } from '../config/app-config';
import { UnauthorizedError } from '../errors/domain-error';
import { bearerToken } from './learner.guard';

/** Compares two secrets in constant time (hashing first, so lengths do not leak). */
export function secretsEqual(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb);
}

/** Reads the admin credential from a bearer token or, for browsers, basic auth (any user name). */
export function adminCredential(request: Pick<FastifyRequest, 'headers'>): string | undefined {
  const header = request.headers.authorization;
  if (typeof header !== 'string') return undefined;
  const basic = /^Basic\s+(\S+)\s*$/i.exec(header);
  if (basic) {
    const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    return colon >= 0 ? decoded.slice(colon + 1) : undefined;
  }
  return bearerToken(request);
}

export function isAdmin(request: Pick<FastifyRequest, 'headers'>, adminToken: string): boolean {
  const credential = adminCredential(request);
  return credential !== undefined && secretsEqual(credential, adminToken);
}

@Injectable()
export class AdminGuard implements CanActivate {
  constructor(private readonly config: AppConfig) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    if (!isAdmin(request, this.config.ADMIN_TOKEN)) throw new UnauthorizedError('Admin credential required');
    return true;
  }
}
