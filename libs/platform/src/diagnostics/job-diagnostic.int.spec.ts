// Proves against a real PostgreSQL and Redis that the shared diagnostic route runs a BullMQ job whose worker writes its row, both where an app registers the controller as it is and where it extends it (as the central bank does to mark it open), and that errors leave it through the shared filter as `{ code, message }`.
import { Controller, Module, SetMetadata, type DynamicModule } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import path from 'node:path';
import { Pool } from 'pg';
import { freshDatabase, repoRoot, startNestApp, testLogger, testStackEnv, uniqueSuffix, type FreshDatabase, type InProcessApp } from '@cbdc/testing';
import { ApiExceptionFilter } from '../http/api-exception.filter';
import { PlatformModule } from '../platform.module';
import { JobDiagnosticController } from './job-diagnostic.controller';
import { JobDiagnosticService } from './job-diagnostic.service';

jest.setTimeout(60_000);

/** As an app whose routes need a key by default marks the diagnostic route open. */
@SetMetadata('test:open-endpoint', true)
@Controller('v2/diagnostics')
class ExtendedDiagnosticController extends JobDiagnosticController {}

@Module({})
class DiagnosticTestModule {
  static forRoot(databaseUrl: string, operatorId: string): DynamicModule {
    const logger = testLogger('job-diagnostic-test');
    return {
      module: DiagnosticTestModule,
      imports: [
        PlatformModule.forRoot({
          app: 'regulator',
          operatorId,
          version: 'test',
          logger,
          postgres: { url: databaseUrl, migrationsDir: path.join(repoRoot(), 'apps', 'regulator', 'migrations') },
          redis: { url: testStackEnv().REDIS_URL },
        }),
      ],
      controllers: [JobDiagnosticController, ExtendedDiagnosticController],
      providers: [JobDiagnosticService, { provide: APP_FILTER, useClass: ApiExceptionFilter }],
    };
  }
}

describe('the shared diagnostic job route', () => {
  const operatorId = `diagnostics-${uniqueSuffix()}`;
  let database: FreshDatabase;
  let pool: Pool;
  let running: InProcessApp;

  beforeAll(async () => {
    database = await freshDatabase('job_diagnostic');
    running = await startNestApp(DiagnosticTestModule.forRoot(database.url, operatorId), testLogger('job-diagnostic-test'));
    pool = new Pool({ connectionString: database.url });
  });

  afterAll(async () => {
    await running?.app.close();
    await pool?.end();
    await database?.drop();
  });

  it.each(['v1', 'v2'])('runs a job through Redis whose worker writes its row to PostgreSQL (/%s)', async (version) => {
    const response = await fetch(`${running.url}/${version}/diagnostics/job`, { method: 'POST' });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { jobId: string; ms: number };
    expect(typeof body.ms).toBe('number');
    const { rows } = await pool.query('select queue from diagnostic_job_runs where job_id = $1', [body.jobId]);
    expect(rows).toEqual([{ queue: `${operatorId}-diagnostics` }]);
  });

  it('answers a route that does not exist with 404 NOT_FOUND through the shared filter', async () => {
    const response = await fetch(`${running.url}/v1/diagnostics/nothing`, { method: 'POST' });
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ code: 'NOT_FOUND' });
  });
});
