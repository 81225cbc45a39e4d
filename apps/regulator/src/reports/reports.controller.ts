import { Controller, Get, Inject, Query, UseGuards } from '@nestjs/common';
import type { Pool } from 'pg';
import { PG_POOL } from '@cbdc/platform';
import { OfficialAuthGuard } from '../officials/official-auth.guard';

/** Reports listed per page, at most. */
export const reportsPageSizeMax = 100;

/** The reports received from the central bank, newest first; for signed-in officials only. */
@Controller('v1/reports')
@UseGuards(OfficialAuthGuard)
export class ReportsController {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  @Get()
  async list(@Query('limit') limit?: string) {
    const pageSize = limit && /^[0-9]{1,3}$/.test(limit) ? Math.min(Math.max(Number(limit), 1), reportsPageSizeMax) : reportsPageSizeMax;
    const rows = await this.pool.query<{ body: unknown; received_at: Date }>('select body, received_at from reports order by received_at desc, report_id limit $1', [pageSize]);
    return { reports: rows.rows.map((row) => ({ ...(row.body as object), receivedAt: row.received_at.toISOString() })) };
  }
}
