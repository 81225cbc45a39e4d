-- The permissioned log at the central bank (ARCHITECTURE.md §8, docs/decisions/0012-anchor-sealing.md).
--   * anchor_blocks: sealed blocks. Their sequence ranges tile the entry sequence space from 1 with
--     no overlap and no hole (first_sequence = the previous block's last_sequence + 1), and each
--     ends on a committed entry; the entries of a block are the accepted ledger_commands whose
--     sequence lies in its range. That range IS the entry -> block mapping: every committed entry
--     belongs to exactly one block, and the leaf index of an entry is its rank in the range.
--   * anchor_endorsements: operators' signatures over block hashes (one per operator and block).
--   * anchor_refusals: blocks an operator refused, with its stable code and reason.
-- Sealed entries are frozen: triggers refuse an update or delete of an entry at or below the last
-- sealed sequence, and an insert of one (which would mean the sealer sealed past an entry that
-- was still to come). An attacker with superuser access can disable them; `cbdc audit verify`
-- then catches the change.

create table anchor_blocks (
  height bigint primary key check (height >= 0),
  previous_hash bytea not null check (length(previous_hash) = 32),
  merkle_root bytea not null check (length(merkle_root) = 32),
  first_sequence bigint not null check (first_sequence >= 1),
  last_sequence bigint not null,
  entry_count integer not null check (entry_count >= 1),
  sealed_at_ms bigint not null check (sealed_at_ms >= 0),
  block_hash bytea not null check (length(block_hash) = 32),
  constraint anchor_blocks_hash_unique unique (block_hash) deferrable initially immediate,
  central_bank_signature bytea not null check (length(central_bank_signature) = 64),
  -- Endorsements that make it final: ANCHOR_QUORUM, or a majority of the operators registered
  -- when it was sealed (the operator set grows; an old block keeps the quorum of its time).
  quorum integer not null check (quorum >= 1),
  -- When the proposals were handed to Kafka; null until then (the sealer retries).
  proposed_at timestamptz,
  -- When a quorum of operators had endorsed it, and when the finalized block went out to them.
  final_at timestamptz,
  final_published_at timestamptz,
  created_at timestamptz not null default now(),
  check (last_sequence - first_sequence + 1 >= entry_count),
  unique (first_sequence) deferrable initially immediate,
  unique (last_sequence) deferrable initially immediate
);
create index anchor_blocks_unproposed on anchor_blocks (height) where proposed_at is null;
create index anchor_blocks_unpublished on anchor_blocks (height) where final_at is not null and final_published_at is null;

create table anchor_endorsements (
  height bigint not null references anchor_blocks (height),
  operator_id text not null references operators (id),
  signature bytea not null check (length(signature) = 64),
  received_at timestamptz not null default now(),
  primary key (height, operator_id)
);

create table anchor_refusals (
  id bigserial primary key,
  height bigint not null,
  block_hash bytea not null,
  operator_id text not null,
  code text not null,
  detail text not null,
  received_at timestamptz not null default now(),
  unique (height, operator_id, code)
);

create function anchor_sealed_through() returns bigint language sql stable as
  $$ select coalesce((select last_sequence from anchor_blocks order by height desc limit 1), 0) $$;

create function anchor_refuse_sealed_change() returns trigger language plpgsql as $$
begin
  if old.sequence is not null and old.sequence <= anchor_sealed_through() then
    raise exception 'ledger entry % is sealed in the anchor log and cannot change', old.sequence
      using errcode = 'integrity_constraint_violation';
  end if;
  return case when tg_op = 'DELETE' then old else new end;
end $$;

create trigger anchor_sealed_entries_frozen before update or delete on ledger_commands
  for each row execute function anchor_refuse_sealed_change();

-- One check per statement (the engine inserts a batch with one COPY), not per row.
create function anchor_refuse_sealed_insert() returns trigger language plpgsql as $$
declare
  lowest bigint;
begin
  select min(sequence) into lowest from inserted_rows;
  if lowest is not null and lowest <= anchor_sealed_through() then
    raise exception 'ledger entry % is below the sealed sequence %', lowest, anchor_sealed_through()
      using errcode = 'integrity_constraint_violation';
  end if;
  return null;
end $$;

create trigger anchor_sealed_range_closed after insert on ledger_commands
  referencing new table as inserted_rows for each statement execute function anchor_refuse_sealed_insert();
