// Keys, signatures, canonical signing payloads, encryption to the regulator and threshold
// sharing. Pure: no framework and no I/O; every primitive comes from an audited library.
export * from './bytes';
export * from './canonical-encoding';
export * from './ed25519';
export * from './wallet-id';
export * from './signing-payloads';
export * from './verify-pool';
export * from './sealed-box';
export * from './threshold-sharing';
