import 'reflect-metadata';
import { bootstrapApp, createLogger, loadSettingsOrExit, projectVersion, startOrExit } from '@cbdc/platform';
import { RegulatorModule } from './regulator.module';
import { regulatorSettings } from './regulator.settings';

const settings = loadSettingsOrExit(regulatorSettings);
const logger = createLogger({ app: 'regulator', level: settings.LOG_LEVEL });

startOrExit(logger, () =>
  bootstrapApp(RegulatorModule.forRoot(settings, logger), {
    port: settings.PORT,
    host: settings.HOST,
    logger,
    title: 'Regulator',
    version: projectVersion(),
    description: 'Large-value reports and the k-of-n audited unmasking of escrowed identities.',
  }),
);
