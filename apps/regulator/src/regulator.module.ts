import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { ApiExceptionFilter, JobDiagnosticController, JobDiagnosticService, PlatformModule, projectVersion, type Logger } from '@cbdc/platform';
import { kafkaSaslOf } from '@cbdc/platform';
import { loadRegulatorKeys } from './keys/regulator-keys';
import { OfficialAuthGuard } from './officials/official-auth.guard';
import { OfficialsRegistry } from './officials/officials.registry';
import { regulatorKeysDirOf, type RegulatorSettings } from './regulator.settings';
import { REGULATOR_KEYS, REGULATOR_SETTINGS } from './regulator.tokens';
import { ReportsConsumer } from './reports/reports.consumer';
import { ReportsController } from './reports/reports.controller';
import { RegulatorOutboxRelay } from './unmasking/regulator-outbox.relay';
import { UnmaskingController } from './unmasking/unmasking.controller';
import { UnmaskingService } from './unmasking/unmasking.service';

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
          kafka: { brokers: settings.KAFKA_BROKERS, sasl: kafkaSaslOf(settings) },
        }),
      ],
      controllers: [JobDiagnosticController, ReportsController, UnmaskingController],
      providers: [
        { provide: REGULATOR_SETTINGS, useValue: settings },
        { provide: REGULATOR_KEYS, useFactory: () => loadRegulatorKeys(regulatorKeysDirOf(settings)) },
        { provide: APP_FILTER, useClass: ApiExceptionFilter },
        JobDiagnosticService,
        OfficialsRegistry,
        OfficialAuthGuard,
        RegulatorOutboxRelay,
        UnmaskingService,
        ReportsConsumer,
      ],
    };
  }
}
