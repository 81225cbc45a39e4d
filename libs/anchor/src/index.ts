// The permissioned log (ARCHITECTURE.md §8): canonical entry hashes, RFC 6962 Merkle trees
// and inclusion proofs, block headers and their signatures, chain and quorum verification.
// Pure: no framework and no I/O.
export * from './sha256';
export * from './entry-encoding';
export * from './merkle-tree';
export * from './block-header';
export * from './chain-verification';
export * from './anchor-wire';
export * from './ledger-entry';
export * from './anchor-decoding';
