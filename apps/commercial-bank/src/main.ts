import 'reflect-metadata';
import { bootstrapApp, createLogger, exitOnConfigError, projectVersion, startOrExit } from '@cbdc/platform';
import { CommercialBankModule } from './commercial-bank.module';
import { loadCommercialBankSettings } from './commercial-bank.settings';

const settings = exitOnConfigError(() => loadCommercialBankSettings());
const logger = createLogger({ app: 'commercial-bank', operatorId: settings.BANK_ID, level: settings.LOG_LEVEL });

startOrExit(logger, () =>
  bootstrapApp(CommercialBankModule.forRoot(settings, logger), {
    port: settings.PORT,
    host: settings.HOST,
    logger,
    title: `Commercial bank ${settings.BANK_ID}`,
    version: projectVersion(),
    description: 'An operator: customers, wallets, load and unload, payments, treasury, endorsements.',
  }),
);
