-- The authoritative ledger of all digital cash (ARCHITECTURE.md §5).
-- Every invariant the engine checks in memory is backed here by a constraint:
--   * balances of non-contra accounts are never negative (accounts.balance_never_negative);
--   * every ledger command is applied at most once (ledger_commands primary key on command_id);
--   * every accepted command has exactly one entry sequence, and sequences are unique;
--   * a transfer moves a positive amount between two different accounts.
-- Amounts are bigint fen. Wallets are pseudonymous: no name, ID number or phone ever lands here.

create table operators (
  id text primary key check (id ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
  name text not null,
  kind text not null check (kind in ('bank', 'payment-firm')),
  public_key bytea not null check (length(public_key) = 32),
  reserve_ratio_bps integer not null check (reserve_ratio_bps between 10000 and 100000),
  issue_quota_auto bigint not null check (issue_quota_auto >= 0),
  -- Per-operator books of the ledger (libs/ledger ledger-state.ts): reserves credited, DC issued
  -- and recalled, and the net DC its wallets received from other operators' wallets.
  reserve_credited bigint not null default 0 check (reserve_credited >= 0),
  issued bigint not null default 0 check (issued >= 0),
  recalled bigint not null default 0 check (recalled >= 0 and recalled <= issued),
  cross_operator_net bigint not null default 0,
  registered_at timestamptz not null default now()
);

-- Every number that changes on a payment lives here, so a batch updates one row per distinct
-- account and nothing else: the balance, and for wallet accounts the payer's counter and its
-- daily and annual totals. fillfactor leaves room on each page so those updates stay HOT (no
-- index is touched when no indexed column changes).
create table accounts (
  id text primary key,
  kind text not null check (kind in ('reserve', 'vault', 'wallet', 'rtgs')),
  operator_id text references operators (id),
  balance bigint not null default 0,
  last_counter bigint check (last_counter >= 0),
  day_key integer,
  day_total bigint check (day_total >= 0),
  year_key integer,
  year_total bigint check (year_total >= 0),
  constraint balance_never_negative check (kind = 'rtgs' or balance >= 0),
  constraint wallet_usage_only_on_wallets check ((kind = 'wallet') = (last_counter is not null)
    and (last_counter is null) = (day_total is null) and (day_total is null) = (year_total is null)
    and (day_key is null) = (day_total is null) and (year_key is null) = (year_total is null))
) with (fillfactor = 70);

-- A wallet's identity on the ledger: its pseudonymous id, class, operator and key. Its balance,
-- counter and limit usage are on its account row, `wallet:<id>`.
create table wallets (
  id text primary key,
  operator_id text not null references operators (id),
  wallet_class smallint not null check (wallet_class between 1 and 4),
  public_key bytea not null unique check (length(public_key) = 32),
  escrow bytea,
  registered_at timestamptz not null default now()
) with (fillfactor = 90);

-- One row per committed batch: the unit of one PostgreSQL transaction of the engine.
create table ledger_batches (
  id bigint primary key,
  partition integer not null,
  command_count integer not null check (command_count >= 0),
  -- The entry sequences of the batch's accepted commands (null when it accepted none).
  first_sequence bigint,
  last_sequence bigint check (last_sequence >= first_sequence),
  committed_at timestamptz not null
);

-- Every command the engine decided, accepted or rejected: a repeat gets this first answer back.
-- Accepted commands are the ledger's entries, numbered by sequence.
create table ledger_commands (
  command_id text primary key,
  batch_id bigint not null,
  command_type text not null,
  operator_id text,
  status text not null check (status in ('accepted', 'rejected')),
  code text,
  detail text,
  sequence bigint unique,
  debit_account text,
  credit_account text,
  amount bigint check (amount > 0),
  large_value boolean not null default false,
  facts jsonb,
  check ((status = 'accepted') = (sequence is not null)),
  check ((status = 'rejected') = (code is not null)),
  check ((debit_account is null) = (amount is null) and (credit_account is null) = (amount is null)),
  check (debit_account is distinct from credit_account or debit_account is null)
);
create index ledger_commands_debit on ledger_commands (debit_account, sequence) where status = 'accepted';
create index ledger_commands_credit on ledger_commands (credit_account, sequence) where status = 'accepted';
create index ledger_commands_issuance on ledger_commands (command_type)
  where command_type in ('ledger.issue', 'ledger.recall') and status = 'accepted';

create sequence ledger_entry_sequence as bigint minvalue 1;
create sequence ledger_batch_id as bigint minvalue 1;

-- Where each engine worker stands in its partition, written in the same transaction as the batch:
-- a crash anywhere replays from here and the primary keys above refuse a second application.
create table consumer_positions (
  consumer text not null,
  topic text not null,
  partition integer not null,
  next_offset bigint not null check (next_offset >= 0),
  primary key (consumer, topic, partition)
);

-- Messages to publish after commit (results to operators, credits to payees' operators).
create table ledger_outbox (
  id bigserial primary key,
  topic text not null,
  message_key text not null,
  payload text not null,
  created_at timestamptz not null default now()
);
-- A batch's results are one large JSON text per operator; compressing it costs the single writer
-- more CPU than storing it as it is, and the row lives only until it is published.
alter table ledger_outbox alter column payload set storage external;

-- The one contra account: the RTGS mirror from which reserves are credited, the only account
-- allowed below zero. Issue converts reserves into DC 1:1 (reserve -> vault), so DC issued and
-- recalled are the sums of the accepted issue and recall commands (see the partial index above).
insert into accounts (id, kind) values ('rtgs', 'rtgs');
