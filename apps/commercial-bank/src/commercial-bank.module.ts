import { Module, type DynamicModule } from '@nestjs/common';
import type { Pool } from 'pg';
import { anchorEndorsementsTopic, centralBankControlTopic, ledgerPartitionsDefault, operatorAnchorTopic, operatorEventsTopic } from '@cbdc/contracts';
import { JobDiagnosticController, JobDiagnosticService, PG_POOL, PlatformModule, projectVersion, type Logger } from '@cbdc/platform';
import { kafkaSaslOf } from '@cbdc/platform';
import { ApiKeysService } from './auth/api-keys.service';
import { StaffApiKeyGuard } from './auth/staff-api-key.guard';
import type { CommercialBankSettings } from './commercial-bank.settings';
import { COMMERCIAL_BANK_SETTINGS, KYC_CIPHER, OPERATOR_KEY } from './commercial-bank.tokens';
import { CustomersController } from './customers/customers.controller';
import { CustomersService } from './customers/customers.service';
import { DiagnosticsController } from './diagnostics/diagnostics.controller';
import { KafkaPingService } from './diagnostics/kafka-ping.service';
import { ApiExceptionFilter } from './http/api-exception.filter';
import { loadOrCreateKycCipher } from './keys/kyc-cipher';
import { loadOrCreateOperatorKey } from './keys/operator-key';
import { OperatorController } from './operator/operator.controller';
import { OperatorEventsConsumer } from './operator-events.consumer';
import { OUTBOX_PUBLISHING, OutboxRelay } from './outbox/outbox-relay';
import { HolderWalletsController } from './payments/holder-wallets.controller';
import { PaymentRateLimiter } from './payments/payment-rate-limiter';
import { PaymentWaiter } from './payments/payment-waiter';
import { PaymentsController } from './payments/payments.controller';
import { PaymentIntake } from './payments/payment-intake';
import { PaymentsService } from './payments/payments.service';
import { WalletDirectory } from './payments/wallet-directory';
import { WalletHolderGuard } from './payments/wallet-holder.guard';
import { LedgerEventsService } from './wallets/ledger-events.service';
import { AnchorProposalsConsumer } from './endorsement/anchor-proposals.consumer';
import { AnchorReplicaController } from './endorsement/anchor-replica.controller';
import { EndorsementService } from './endorsement/endorsement.service';
import { WalletsController } from './wallets/wallets.controller';
import { IdentityEscrow } from './wallets/identity-escrow';
import { WalletsService } from './wallets/wallets.service';
import { CrashPoints } from './crash-test/crash-points';
import { MerchantsController } from './merchants/merchants.controller';
import { MerchantsService } from './merchants/merchants.service';
import { WebhookDeliveryService } from './merchants/webhook-delivery.service';
import { TreasuryController } from './treasury/treasury.controller';
import { TreasuryService } from './treasury/treasury.service';
import { WalletClassesController } from './wallets/wallet-classes.controller';
import { WalletClassesService } from './wallets/wallet-classes.service';

export interface CommercialBankModuleOptions {
  /**
   * Whether the outbox relay publishes. Always true in the app; a test sets false to play a
   * process that crashed after committing its outbox rows and before publishing them.
   */
  readonly publishOutbox?: boolean;
}

/** One operator's wiring: the same code runs as bank-a, bank-b, ... (BANK_ID). */
@Module({})
export class CommercialBankModule {
  static forRoot(settings: CommercialBankSettings, logger: Logger, options: CommercialBankModuleOptions = {}): DynamicModule {
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
            sasl: kafkaSaslOf(settings),
            // The topics this operator writes to and reads from; the central bank creates them too.
            topics: [
              { name: centralBankControlTopic, partitions: 1 },
              { name: operatorEventsTopic(settings.BANK_ID), partitions: 1 },
              { name: operatorAnchorTopic(settings.BANK_ID), partitions: 1 },
              { name: anchorEndorsementsTopic, partitions: 1 },
              { name: settings.LEDGER_COMMANDS_TOPIC, partitions: ledgerPartitionsDefault },
            ],
          },
        }),
      ],
      controllers: [AnchorReplicaController, DiagnosticsController, JobDiagnosticController, OperatorController, CustomersController, WalletsController, PaymentsController, HolderWalletsController, MerchantsController, TreasuryController, WalletClassesController],
      providers: [
        { provide: COMMERCIAL_BANK_SETTINGS, useValue: settings },
        { provide: OPERATOR_KEY, inject: [PG_POOL], useFactory: (pool: Pool) => loadOrCreateOperatorKey(pool, settings.BANK_ID) },
        { provide: KYC_CIPHER, inject: [PG_POOL], useFactory: (pool: Pool) => loadOrCreateKycCipher(pool) },
        { provide: OUTBOX_PUBLISHING, useValue: options.publishOutbox ?? true },
        JobDiagnosticService,
        KafkaPingService,
        OperatorEventsConsumer,
        ApiKeysService,
        StaffApiKeyGuard,
        ApiExceptionFilter,
        OutboxRelay,
        CustomersService,
        WalletsService,
        IdentityEscrow,
        LedgerEventsService,
        EndorsementService,
        AnchorProposalsConsumer,
        MerchantsService,
        WebhookDeliveryService,
        TreasuryService,
        WalletClassesService,
        CrashPoints,
        PaymentWaiter,
        PaymentRateLimiter,
        WalletDirectory,
        WalletHolderGuard,
        PaymentIntake,
        PaymentsService,
      ],
    };
  }
}
