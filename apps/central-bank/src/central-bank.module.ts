import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import type { Pool } from 'pg';
import { anchorEndorsementsTopic, ledgerDeadLetterTopic, operatorAnchorTopic, operatorEventsTopic, type TopicSpec } from '@cbdc/contracts';
import { ApiExceptionFilter, JobDiagnosticService, LOGGER, PG_POOL, PlatformModule, projectVersion, type Logger } from '@cbdc/platform';
import { kafkaSaslOf } from '@cbdc/platform';
import { AccountsController } from './accounts/accounts.controller';
import { AccountsService } from './accounts/accounts.service';
import { ApiKeyGuard } from './auth/api-key.guard';
import { ApiKeysService } from './auth/api-keys.service';
import { StaffAudit } from './auth/staff-audit';
import type { CentralBankSettings } from './central-bank.settings';
import { CENTRAL_BANK_KEY, CENTRAL_BANK_SETTINGS } from './central-bank.tokens';
import { ControlConsumer } from './control/control.consumer';
import { DiagnosticsController } from './diagnostics/diagnostics.controller';
import { CentralBankInfoController } from './info/central-bank-info.controller';
import { IssueRecallController } from './issue-recall/issue-recall.controller';
import { IssueRecallService } from './issue-recall/issue-recall.service';
import { loadOrCreateCentralBankKey } from './keys/central-bank-key';
import { LedgerEngineHost } from './ledger-access/ledger-engine.host';
import { LedgerGateway } from './ledger-access/ledger-gateway';
import { OperatorsController } from './operators/operators.controller';
import { OperatorsService } from './operators/operators.service';
import { OutboxRelay } from './outbox/outbox-relay';
import { PolicyController } from './policy/policy.controller';
import { PolicyService } from './policy/policy.service';
import { ReportTailer } from './reports/report-tailer';
import { SupplyController } from './supply/supply.controller';
import { SupplyService } from './supply/supply.service';
import { AnchorController } from './anchor/anchor.controller';
import { AnchorEndorsementsConsumer } from './anchor/anchor-endorsements.consumer';
import { AnchorQueryService } from './anchor/anchor-query.service';
import { AnchorSealer } from './anchor/anchor-sealer.service';

/** Every topic the central bank uses, created at start so operators find theirs in place. */
export function centralBankTopics(settings: CentralBankSettings): TopicSpec[] {
  return [
    { name: settings.LEDGER_COMMANDS_TOPIC, partitions: settings.LEDGER_PARTITIONS },
    { name: ledgerDeadLetterTopic, partitions: 1 },
    { name: settings.CONTROL_TOPIC, partitions: 1 },
    ...settings.OPERATOR_IDS.map((id) => ({ name: operatorEventsTopic(id), partitions: 1 })),
    { name: anchorEndorsementsTopic, partitions: 1 },
    ...settings.OPERATOR_IDS.map((id) => ({ name: operatorAnchorTopic(id), partitions: 1 })),
  ];
}

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
          kafka: { brokers: settings.KAFKA_BROKERS, sasl: kafkaSaslOf(settings), topics: centralBankTopics(settings) },
        }),
      ],
      controllers: [
        AnchorController,
        CentralBankInfoController,
        OperatorsController,
        IssueRecallController,
        PolicyController,
        SupplyController,
        AccountsController,
        DiagnosticsController,
      ],
      providers: [
        { provide: CENTRAL_BANK_SETTINGS, useValue: settings },
        // Async factories: Nest resolves them before any onModuleInit, so the ledger engine starts
        // with the key and the policy already loaded from the (migrated) database.
        { provide: CENTRAL_BANK_KEY, inject: [PG_POOL], useFactory: (pool: Pool) => loadOrCreateCentralBankKey(pool) },
        {
          provide: PolicyService,
          inject: [PG_POOL, LOGGER],
          useFactory: async (pool: Pool, log: Logger) => {
            const policy = new PolicyService(pool, log);
            await policy.load();
            return policy;
          },
        },
        { provide: APP_GUARD, useClass: ApiKeyGuard },
        { provide: APP_FILTER, useClass: ApiExceptionFilter },
        ApiKeysService,
        StaffAudit,
        LedgerEngineHost,
        LedgerGateway,
        OutboxRelay,
        OperatorsService,
        IssueRecallService,
        SupplyService,
        AccountsService,
        JobDiagnosticService,
        ControlConsumer,
        AnchorSealer,
        AnchorEndorsementsConsumer,
        AnchorQueryService,
        ReportTailer,
      ],
    };
  }
}
