import 'reflect-metadata';
import { bootstrapApp, createLogger, loadSettingsOrExit, projectVersion, startOrExit } from '@cbdc/platform';
import { CentralBankModule } from './central-bank.module';
import { centralBankSettings } from './central-bank.settings';

const settings = loadSettingsOrExit(centralBankSettings);
const logger = createLogger({ app: 'central-bank', level: settings.LOG_LEVEL });

startOrExit(logger, () =>
  bootstrapApp(CentralBankModule.forRoot(settings, logger), {
    port: settings.PORT,
    host: settings.HOST,
    logger,
    title: 'Central bank',
    version: projectVersion(),
    description: 'Issuer of digital cash: the authoritative ledger, issue and recall, the block chain.',
  }),
);
