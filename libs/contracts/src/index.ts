export * from './schema';
export * from './message';
export * from './topics';
export * from './ledger/ledger-commands.v1';
export * from './ledger/ledger-events.v1';
export * from './control/issue-recall.v1';
