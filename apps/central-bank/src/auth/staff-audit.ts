import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import type { Pool } from 'pg';
import { LOGGER, PG_POOL, type Logger } from '@cbdc/platform';
import type { RequestWithCaller } from './api-key.guard';

/** Methods that change something, hence audited. */
const auditedMethods: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** Longest path stored; a longer one is cut (the body holds the substance). */
export const auditPathLengthMax = 2_000;

/**
 * Writes one `staff_audit_log` row per write request, whatever its outcome (refused for a missing
 * key, invalid, failed, done): time, key id and role, method, path, body, status code. It hooks
 * fastify's `onResponse`, which runs after the guard, the handler and the exception filter, so the
 * status is the one the caller saw.
 */
@Injectable()
export class StaffAudit implements OnModuleInit {
  constructor(
    @Inject(HttpAdapterHost) private readonly adapterHost: HttpAdapterHost,
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onModuleInit(): void {
    const adapter = this.adapterHost.httpAdapter;
    // No HTTP server (a standalone context): nothing to audit.
    if (!adapter) return;
    const fastify = adapter.getInstance<FastifyInstance>();
    fastify.addHook('onResponse', async (request, reply) => {
      if (!auditedMethods.has(request.method)) return;
      const caller = (request as RequestWithCaller).apiCaller;
      try {
        await this.pool.query(
          `insert into staff_audit_log (api_key_id, role, method, path, request_body, status_code)
           values ($1, $2, $3, $4, $5::jsonb, $6)`,
          [caller?.keyId ?? null, caller?.role ?? null, request.method, request.url.slice(0, auditPathLengthMax), bodyJson(request.body), reply.statusCode],
        );
      } catch (error) {
        this.logger.error({ err: error, method: request.method, path: request.url }, 'writing the audit record failed');
      }
    });
  }
}

function bodyJson(body: unknown): string | null {
  if (body === undefined || body === null) return null;
  return JSON.stringify(body);
}
