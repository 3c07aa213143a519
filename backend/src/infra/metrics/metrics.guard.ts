import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { isAdmin } from '../auth/admin.guard';
import { AppConfig } from '../config/app-config';
import { UnauthorizedError } from '../errors/domain-error';

/** /metrics needs the admin credential unless METRICS_AUTH=none (e.g. scraped on a private network). */
@Injectable()
export class MetricsGuard implements CanActivate {
  constructor(private readonly config: AppConfig) {}

  canActivate(context: ExecutionContext): boolean {
    if (this.config.METRICS_AUTH === 'none') return true;
    if (!isAdmin(context.switchToHttp().getRequest<FastifyRequest>(), this.config.ADMIN_TOKEN)) {
      throw new UnauthorizedError('Metrics need the admin credential (or set METRICS_AUTH=none)');
    }
    return true;
  }
}
