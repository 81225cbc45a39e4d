// The pure domain of the central ledger: accounts, commands, policy, batch application and
// invariants. No I/O and no framework (ARCHITECTURE.md §4); the engine in apps/central-bank owns
// the state and the clock and passes them in.
export * from './accounts';
export * from './apply-batch';
export * from './assertions';
export * from './invariants';
export * from './ledger-commands';
export * from './money';
export * from './policy';
export * from './rejections';
export {
  type AccountRecord,
  type LedgerSnapshot,
  type LedgerState,
  type LedgerTotals,
  type OperatorRecord,
  type OperatorSnapshot,
  type WalletRecord,
  type WalletSnapshot,
  cloneLedgerState,
  createLedgerState,
  ed25519PublicKeyBytes,
  entityIdLengthMax,
  reserveRatioBpsDefault,
  reserveRatioBpsMax,
  reserveRatioBpsMin,
  restoreLedgerState,
  restoreOperator,
  restoreWallet,
  snapshotLedgerState,
  snapshotOperator,
  snapshotWallet,
} from './ledger-state';
