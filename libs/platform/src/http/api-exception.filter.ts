import { Catch, HttpException, Inject, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { databaseBusyRetryAfterSeconds, isDatabaseUnavailable } from '../database/pool';
import type { Logger } from '../logging/logger';
import { LOGGER } from '../platform.tokens';
import { ApiError, codeForStatus } from './api-error';

/**
 * Writes every error as `{ code, message }` with a stable code: our ApiErrors as they are, Nest's
 * own exceptions (an unknown route) with a code for their status, fastify's (a body that is not
 * JSON) likewise. A body that is already an answer of its own (the health check's 503, a
 * diagnostic's JOB_TIMEOUT) is sent unchanged; the database out of reach or overloaded, a 503
 * with Retry-After. Anything else is a programming error: logged, and a 500 that reveals nothing.
 * The central bank and the regulator apply it to every route, a bank to its API's controllers.
 */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  constructor(@Inject(LOGGER) private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const [status, body] = this.answer(exception);
    if (status === 503) void reply.header('retry-after', String(databaseBusyRetryAfterSeconds));
    void reply.status(status).send(body);
  }

  private answer(exception: unknown): [number, unknown] {
    if (exception instanceof ApiError) return [exception.status, exception.body()];
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const response = exception.getResponse();
      if (typeof response === 'object' && response !== null && !('statusCode' in response)) return [status, response];
      const message = typeof response === 'string' ? response : messageOf(response) ?? exception.message;
      return [status, { code: codeForStatus(status), message }];
    }
    const fastifyStatus = (exception as { statusCode?: unknown } | null)?.statusCode;
    if (typeof fastifyStatus === 'number' && fastifyStatus >= 400 && fastifyStatus < 500) {
      return [fastifyStatus, { code: codeForStatus(fastifyStatus), message: (exception as Error).message }];
    }
    if (isDatabaseUnavailable(exception)) {
      // Overload or an outage, not a bug: the request had no effect and may be retried as it is.
      this.logger.warn({ err: exception }, 'the database could not take a request');
      return [503, { code: 'SERVICE_UNAVAILABLE', message: 'the service cannot reach its database in time; retry the same request shortly' }];
    }
    this.logger.error({ err: exception }, 'unhandled error in an HTTP handler');
    return [500, { code: 'INTERNAL', message: 'internal error' }];
  }
}

function messageOf(response: object): string | undefined {
  const message = (response as { message?: unknown }).message;
  if (typeof message === 'string') return message;
  if (Array.isArray(message)) return message.join('; ');
  return undefined;
}
