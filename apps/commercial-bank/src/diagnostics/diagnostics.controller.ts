import { Controller, GatewayTimeoutException, HttpCode, Inject, Post, ServiceUnavailableException } from '@nestjs/common';
import { ApiGatewayTimeoutResponse, ApiOkResponse, ApiProperty, ApiTags } from '@nestjs/swagger';
import { DiagnosticJobResult, JobDiagnosticService, JobTimeoutError } from '@cbdc/platform';
import { KafkaPingError, KafkaPingService } from './kafka-ping.service';

export class KafkaPingResult {
  @ApiProperty({ type: Number, example: 7, description: 'Milliseconds from sending the ping to receiving the pong' })
  roundTripMs!: number;
}

/** Proves the moving parts work, for the demo and for operators after a deploy. */
@ApiTags('diagnostics')
@Controller('v1/diagnostics')
export class DiagnosticsController {
  constructor(
    @Inject(JobDiagnosticService) private readonly jobs: JobDiagnosticService,
    @Inject(KafkaPingService) private readonly pings: KafkaPingService,
  ) {}

  /** Sends a ping to the central bank over Kafka and waits for its pong. */
  @Post('kafka-ping')
  @HttpCode(200)
  @ApiOkResponse({ type: KafkaPingResult })
  @ApiGatewayTimeoutResponse({ description: 'KAFKA_TIMEOUT: no pong in time' })
  async kafkaPing(): Promise<KafkaPingResult> {
    try {
      return await this.pings.ping();
    } catch (error) {
      if (!(error instanceof KafkaPingError)) throw error;
      const body = { code: error.code, message: error.message };
      throw error.code === 'KAFKA_TIMEOUT' ? new GatewayTimeoutException(body) : new ServiceUnavailableException(body);
    }
  }

  /** Enqueues a BullMQ job on this operator's queue; its worker writes a row to PostgreSQL. */
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
