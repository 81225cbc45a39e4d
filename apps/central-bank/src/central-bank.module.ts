import { Module, type DynamicModule } from '@nestjs/common';
import { systemTopics } from '@cbdc/contracts';
import { JobDiagnosticService, PlatformModule, projectVersion, type Logger } from '@cbdc/platform';
import type { CentralBankSettings } from './central-bank.settings';
import { CENTRAL_BANK_SETTINGS } from './central-bank.tokens';
import { ControlConsumer } from './control/control.consumer';
import { DiagnosticsController } from './diagnostics/diagnostics.controller';

/** The central bank's wiring: one module for the process (STYLE.md). */
@Module({})
export class CentralBankModule {
  static forRoot(settings: CentralBankSettings, logger: Logger): DynamicModule {
    return {
      module: CentralBankModule,
      imports: [
        PlatformModule.forRoot({
          app: 'central-bank',
          version: projectVersion(),
          logger,
          postgres: { url: settings.DATABASE_URL },
          redis: { url: settings.REDIS_URL },
          // The central bank creates every system topic, so operators find theirs in place.
          kafka: { brokers: settings.KAFKA_BROKERS, topics: systemTopics(settings.OPERATOR_IDS, settings.LEDGER_PARTITIONS) },
        }),
      ],
      controllers: [DiagnosticsController],
      providers: [{ provide: CENTRAL_BANK_SETTINGS, useValue: settings }, JobDiagnosticService, ControlConsumer],
    };
  }
}
