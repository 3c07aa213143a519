import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { ApiErrorBody, FieldError } from '@lectern/api-types';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { STATUS_CODES } from 'node:http';
import { DomainError } from './domain-error';

/** Hook the static-site layer uses to answer a browser's GET for an app route with index.html. */
export type SpaFallback = (request: FastifyRequest, reply: FastifyReply) => boolean;

export function errorBody(statusCode: number, message: string, code?: string, details?: FieldError[]): ApiErrorBody {
  return {
    statusCode,
    error: STATUS_CODES[statusCode] ?? 'Error',
    message,
    ...(code ? { code } : {}),
    ...(details && details.length > 0 ? { details } : {}),
  };
}

/** Turns any thrown value into the one error shape of API.md. */
export function toErrorBody(exception: unknown): ApiErrorBody {
  if (exception instanceof DomainError) {
    return errorBody(exception.status, exception.message, exception.code, exception.details);
  }
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const response = exception.getResponse();
    const message =
      typeof response === 'string'
        ? response
        : Array.isArray((response as { message?: unknown }).message)
          ? (response as { message: string[] }).message.join('; ')
          : String((response as { message?: unknown }).message ?? exception.message);
    return errorBody(status, message);
  }
  const fastifyError = exception as { statusCode?: unknown; code?: unknown; message?: unknown };
  if (typeof fastifyError?.statusCode === 'number' && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
    // Errors raised by Fastify itself before a route runs: malformed JSON, body too large, bad content type.
    const code = typeof fastifyError.code === 'string' ? fastifyError.code : undefined;
    const message =
      code === 'FST_ERR_CTP_BODY_TOO_LARGE'
        ? 'Request body is too large'
        : code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE'
          ? 'Unsupported content type: send application/json'
          : code === 'FST_ERR_CTP_EMPTY_JSON_BODY'
            ? 'Body cannot be empty when content-type is set to application/json'
            : code?.startsWith('FST_ERR_CTP') || fastifyError.statusCode === 400
              ? `Malformed request body: ${String(fastifyError.message ?? 'invalid JSON')}`
              : String(fastifyError.message ?? 'Bad request');
    return errorBody(fastifyError.statusCode, message, code?.toLowerCase());
  }
  if (isUnavailable(exception)) {
    return errorBody(
      HttpStatus.SERVICE_UNAVAILABLE,
      'A service Lectern depends on is unavailable; try again shortly',
      'service_unavailable',
    );
  }
  return errorBody(HttpStatus.INTERNAL_SERVER_ERROR, 'Internal server error');
}

/** Connection failures (PostgreSQL or Redis away, restarting, or shutting down): 503, not a bug. */
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  '57P01',
  '57P02',
  '57P03',
  '08000',
  '08001',
  '08003',
  '08006',
]);

function isUnavailable(exception: unknown): boolean {
  const e = exception as { code?: unknown; driverError?: { code?: unknown }; message?: unknown } | null;
  const code = e?.code ?? e?.driverError?.code;
  if (typeof code === 'string' && UNAVAILABLE_CODES.has(code)) return true;
  return typeof e?.message === 'string' && /Connection terminated|connect ECONNREFUSED|Connection is closed/i.test(e.message);
}

@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpExceptionFilter');

  constructor(private readonly spaFallback?: SpaFallback) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const reply = http.getResponse<FastifyReply>();
    const request = http.getRequest<FastifyRequest>();
    const body = toErrorBody(exception);
    if (body.statusCode === 404 && this.spaFallback?.(request, reply)) return;
    if (body.statusCode === 503 && !(exception instanceof DomainError)) {
      this.logger.warn({
        message: 'Dependency unavailable',
        method: request.method,
        url: request.url,
        error: describe(exception).split('\n')[0],
      });
    } else if (body.statusCode >= 500 && !(exception instanceof DomainError)) {
      this.logger.error({ message: 'Unhandled error', method: request.method, url: request.url, error: describe(exception) });
    }
    void reply.status(body.statusCode).header('content-type', 'application/json; charset=utf-8').send(body);
  }
}

function describe(exception: unknown): string {
  return exception instanceof Error ? `${exception.name}: ${exception.message}\n${exception.stack ?? ''}` : String(exception);
}
