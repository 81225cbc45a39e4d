import { Controller, GatewayTimeoutException, HttpCode, Inject, Post } from '@nestjs/common';
import { ApiGatewayTimeoutResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { DiagnosticJobResult, JobDiagnosticService, JobTimeoutError } from './job-diagnostic.service';

/**
 * Proves the BullMQ path works, for the demo and for operators after a deploy: `POST
 * /v1/diagnostics/job`. Every app registers it beside its own JobDiagnosticService; an app whose
 * routes need a key by default extends it to mark it open, as it changes no business state.
 */
@ApiTags('diagnostics')
@Controller('v1/diagnostics')
export class JobDiagnosticController {
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
