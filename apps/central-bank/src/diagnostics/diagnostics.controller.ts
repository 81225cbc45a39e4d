import { Controller, GatewayTimeoutException, HttpCode, Inject, Post } from '@nestjs/common';
import { ApiGatewayTimeoutResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { DiagnosticJobResult, JobDiagnosticService, JobTimeoutError } from '@cbdc/platform';
import { OpenEndpoint } from '../auth/api-key.guard';

/**
 * Proves the moving parts work, for the demo and for operators after a deploy. Open like /health:
 * it changes no ledger state (one row in diagnostic_job_runs), and writes to it are still audited.
 */
@ApiTags('diagnostics')
@OpenEndpoint()
@Controller('v1/diagnostics')
export class DiagnosticsController {
  constructor(@Inject(JobDiagnosticService) private readonly jobs: JobDiagnosticService) {}

  /** Enqueues a BullMQ job whose worker writes a row to PostgreSQL, and waits for it. */
  @Post('job')
  @HttpCode(200)
  @ApiOkResponse({ type: DiagnosticJobResult })
  @ApiGatewayTimeoutResponse({ description: 'JOB_TIMEOUT: the job did not finish in time' })
  async job(): Promise<DiagnosticJobResult> {
    try {
      return await this.jobs.run();
    } catch (error) {
      if (error instanceof JobTimeoutError) throw new GatewayTimeoutException({ code: error.code, message: error.message });
      throw error;
    }
  }
}
