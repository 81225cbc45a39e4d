import { commonSettings, type SettingsOf } from '@cbdc/platform';

export const regulatorPortDefault = 7103;

export const regulatorSettings = {
  ...commonSettings(regulatorPortDefault),
};

export type RegulatorSettings = SettingsOf<typeof regulatorSettings>;
