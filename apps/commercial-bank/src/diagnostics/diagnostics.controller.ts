import { Controller, GatewayTimeoutException, HttpCode, Inject, Post, ServiceUnavailableException } from '@nestjs/common';
import { ApiGatewayTimeoutResponse, ApiOkResponse, ApiProperty, ApiTags } from '@nestjs/swagger';
import { KafkaPingError, KafkaPingService } from './kafka-ping.service';

export class KafkaPingResult {
  @ApiProperty({ type: Number, example: 7, description: 'Milliseconds from sending the ping to receiving the pong' })
  roundTripMs!: number;
}

/**
 * Proves the Kafka path between this operator and the central bank works, for the demo and for
 * operators after a deploy; the job route beside it is the one every app shares.
 */
@ApiTags('diagnostics')
@Controller('v1/diagnostics')
export class DiagnosticsController {
  constructor(@Inject(KafkaPingService) private readonly pings: KafkaPingService) {}

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
}
