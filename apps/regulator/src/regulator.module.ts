import { Module, type DynamicModule } from '@nestjs/common';
import { JobDiagnosticService, PlatformModule, projectVersion, type Logger } from '@cbdc/platform';
import { DiagnosticsController } from './diagnostics/diagnostics.controller';
import type { RegulatorSettings } from './regulator.settings';

/** The regulator's wiring: one module for the process (STYLE.md). */
@Module({})
export class RegulatorModule {
  static forRoot(settings: RegulatorSettings, logger: Logger): DynamicModule {
    return {
      module: RegulatorModule,
      imports: [
        PlatformModule.forRoot({
          app: 'regulator',
          version: projectVersion(),
          logger,
          postgres: { url: settings.DATABASE_URL },
          redis: { url: settings.REDIS_URL },
          // Large-value reports will arrive over Kafka; the connection is checked from day one.
          kafka: { brokers: settings.KAFKA_BROKERS },
        }),
      ],
      controllers: [DiagnosticsController],
      providers: [JobDiagnosticService],
    };
  }
}
