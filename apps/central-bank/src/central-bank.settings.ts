import { commonSettings, setting, type SettingsOf } from '@cbdc/platform';
import { ledgerPartitionsDefault, operatorIdsDefault } from '@cbdc/contracts';

export const centralBankPortDefault = 7100;

export const centralBankSettings = {
  ...commonSettings(centralBankPortDefault),
  /** Operators the central bank talks to; it answers only these and creates their topics. */
  OPERATOR_IDS: setting.list({ default: operatorIdsDefault, itemPattern: /^[a-z0-9][a-z0-9-]{0,62}$/, itemPatternHint: 'an operator id like bank-a' }),
  LEDGER_PARTITIONS: setting.int({ min: 1, max: 256, default: ledgerPartitionsDefault }),
};

export type CentralBankSettings = SettingsOf<typeof centralBankSettings>;
