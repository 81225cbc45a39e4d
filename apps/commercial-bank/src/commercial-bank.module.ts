import { Module, type DynamicModule } from '@nestjs/common';
import { centralBankControlTopic, operatorEventsTopic } from '@cbdc/contracts';
import { JobDiagnosticService, PlatformModule, projectVersion, type Logger } from '@cbdc/platform';
import type { CommercialBankSettings } from './commercial-bank.settings';
import { COMMERCIAL_BANK_SETTINGS } from './commercial-bank.tokens';
import { DiagnosticsController } from './diagnostics/diagnostics.controller';
import { KafkaPingService } from './diagnostics/kafka-ping.service';
import { OperatorEventsConsumer } from './operator-events.consumer';

/** One operator's wiring: the same code runs as bank-a, bank-b, ... (BANK_ID). */
@Module({})
export class CommercialBankModule {
  static forRoot(settings: CommercialBankSettings, logger: Logger): DynamicModule {
    return {
      module: CommercialBankModule,
      imports: [
        PlatformModule.forRoot({
          app: 'commercial-bank',
          operatorId: settings.BANK_ID,
          version: projectVersion(),
          logger,
          postgres: { url: settings.DATABASE_URL },
          redis: { url: settings.REDIS_URL },
          kafka: {
            brokers: settings.KAFKA_BROKERS,
            // The topics this operator writes to and reads from; the central bank creates them too.
            topics: [
              { name: centralBankControlTopic, partitions: 1 },
              { name: operatorEventsTopic(settings.BANK_ID), partitions: 1 },
            ],
          },
        }),
      ],
      controllers: [DiagnosticsController],
      providers: [{ provide: COMMERCIAL_BANK_SETTINGS, useValue: settings }, JobDiagnosticService, KafkaPingService, OperatorEventsConsumer],
    };
  }
}
