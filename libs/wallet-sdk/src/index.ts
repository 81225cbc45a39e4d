// The wallet SDK: what a wallet holder's side needs to use digital cash. Keys and their encrypted
// file, signed payment and unload instructions, the forward-only counter, merchant payment
// request URIs, yuan/fen amounts, and a generic client for the banks' HTTP APIs. The command
// line, tests, the demo and the load generators all build on it.
export * from './wallet-sdk-error';
export * from './amounts';
export * from './wallet-keys';
export * from './key-file';
export * from './signed-instructions';
export * from './counter-store';
export * from './payment-request-uri';
export * from './http-client';
export * from './bank-api';
