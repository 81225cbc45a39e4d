-- This operator's side of the permissioned log (ARCHITECTURE.md §8, docs/decisions/0012-anchor-sealing.md).
--   * anchor_trust: the central bank's public key this bank checks block signatures with, pinned
--     once (from CENTRAL_BANK_PUBLIC_KEY, or on first use) so a later key change is refused;
--   * anchor_replica_blocks: this bank's replica of the chain: every header it endorsed or saw
--     final, the central bank's signature, and the leaf hashes (so it can prove its own entries);
--   * anchor_replica_endorsements: the endorsements of each final block (ours and the others'),
--     with the endorsers' keys as the central bank registered them;
--   * anchor_replica_entries: the entries concerning this bank, with their leaf index;
--   * anchor_refused_blocks: proposals this bank refused, with the reason it sent.
create table anchor_trust (
  id smallint primary key check (id = 1),
  central_bank_public_key bytea not null check (length(central_bank_public_key) = 32),
  pinned_at timestamptz not null default now()
);

create table anchor_replica_blocks (
  height bigint primary key check (height >= 0),
  previous_hash bytea not null check (length(previous_hash) = 32),
  merkle_root bytea not null check (length(merkle_root) = 32),
  first_sequence bigint not null,
  last_sequence bigint not null,
  entry_count integer not null check (entry_count >= 1),
  sealed_at_ms bigint not null,
  block_hash bytea not null unique check (length(block_hash) = 32),
  central_bank_signature bytea not null check (length(central_bank_signature) = 64),
  -- The concatenated 32-byte leaf hashes, when this bank received the proposal.
  leaf_hashes bytea check (leaf_hashes is null or length(leaf_hashes) = 32 * entry_count),
  endorsed_at timestamptz,
  final_at timestamptz,
  -- The quorum the central bank declared when the block became final.
  quorum integer check (quorum >= 1),
  check (last_sequence - first_sequence + 1 >= entry_count)
);

create table anchor_replica_endorsements (
  height bigint not null references anchor_replica_blocks (height),
  operator_id text not null,
  signature bytea not null check (length(signature) = 64),
  public_key bytea not null check (length(public_key) = 32),
  primary key (height, operator_id)
);

create table anchor_replica_entries (
  sequence bigint primary key,
  height bigint not null references anchor_replica_blocks (height),
  leaf_index integer not null check (leaf_index >= 0),
  command_id text not null,
  -- The entry in the wire form of @cbdc/anchor, exactly as proposed (it hashes to its leaf).
  entry jsonb not null
);
create index anchor_replica_entries_by_command on anchor_replica_entries (command_id);

create table anchor_refused_blocks (
  height bigint not null,
  block_hash bytea not null,
  code text not null,
  detail text not null,
  refused_at timestamptz not null default now(),
  primary key (height, block_hash)
);
