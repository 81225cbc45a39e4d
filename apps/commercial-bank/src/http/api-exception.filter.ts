import { Catch, HttpException, Inject, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { databaseBusyRetryAfterSeconds, isDatabaseUnavailable, LOGGER, type Logger } from '@cbdc/platform';
import { ApiError, codeForStatus } from './api-error';

/**
 * Writes every error of the bank's staff API as `{ code, message }` with a stable code: our
 * ApiErrors as they are, Nest's and fastify's own (a body that is not JSON) with a code for their
 * status; the database out of reach or overloaded, a 503 with Retry-After. Anything else is a
 * programming error: logged, and a 500 that reveals nothing.
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
      return [status, { code: codeForStatus(status), message: exception.message }];
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
