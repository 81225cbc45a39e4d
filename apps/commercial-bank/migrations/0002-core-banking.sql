-- The operator's own books: its signing key, the key that encrypts KYC data at rest, staff API
-- keys, customers and their deposits (a small double-entry core-banking ledger in fen), and the
-- wallets it runs with its mirror of their DC balances. The central ledger stays the authority
-- for DC; these tables are what the bank itself owes and knows.

-- The operator's Ed25519 key: every command the bank puts on the ledger topic carries its
-- signature. Made at first start, never in the repository. Production would keep the private key
-- in an HSM and sign through it; the database would then hold only the public key.
create table operator_keys (
  id smallint primary key check (id = 1),
  public_key bytea not null check (length(public_key) = 32),
  private_key bytea not null check (length(private_key) = 32),
  created_at timestamptz not null default now()
);

-- The AES-256-GCM key that encrypts customers' KYC fields. Kept here for the demo; production
-- would keep it in a KMS (envelope encryption), so a copy of the database alone reveals nothing.
create table kyc_keys (
  id smallint primary key check (id = 1),
  key bytea not null check (length(key) = 32),
  created_at timestamptz not null default now()
);

-- Staff API keys: only the SHA-256 of each key is stored.
create table api_keys (
  id text primary key,
  role text not null check (role in ('staff')),
  key_sha256 bytea not null unique check (length(key_sha256) = 32),
  created_at timestamptz not null default now(),
  revoked_at timestamptz
);

-- KYC fields are AES-256-GCM ciphertexts (nonce || ciphertext || tag), never plain text.
create table customers (
  id text primary key check (id <> ''),
  name_sealed bytea not null,
  id_number_sealed bytea,
  phone_sealed bytea not null,
  created_at timestamptz not null default now()
);

-- One deposit account per customer, plus the bank's own accounts: `cash-in` (cash and salaries
-- received), `clearing` (DC received from other operators' wallets) and `dc-settlement` (the DC
-- the bank's customers hold or are being given). Only the bank's own (contra) accounts may go
-- below zero; the sum of all balances is always zero.
create table deposit_accounts (
  id text primary key,
  kind text not null check (kind in ('customer', 'cash-in', 'clearing', 'dc-settlement')),
  customer_id text unique references customers (id),
  balance bigint not null default 0,
  contra boolean not null,
  check ((kind = 'customer') = (customer_id is not null)),
  check (contra = (kind <> 'customer')),
  check (contra or balance >= 0)
);
insert into deposit_accounts (id, kind, contra) values ('cash-in', 'cash-in', true), ('clearing', 'clearing', true), ('dc-settlement', 'dc-settlement', true);

-- Every change of a deposit balance is one entry: debit one account, credit another. The
-- reference (`deposit:<id>`, `load:<id>`, `load-reversal:<id>`, ...) is unique, so a step that
-- runs twice cannot post twice.
create table deposit_entries (
  id bigserial primary key,
  reference text not null unique,
  debit_account text not null references deposit_accounts (id),
  credit_account text not null references deposit_accounts (id),
  amount bigint not null check (amount > 0),
  created_at timestamptz not null default now(),
  check (debit_account <> credit_account)
);

-- Deposits by their client-chosen id: a repeat gets the first answer, not a second credit.
create table deposits (
  deposit_id text primary key,
  customer_id text not null references customers (id),
  amount bigint not null check (amount > 0),
  created_at timestamptz not null default now()
);

-- The wallets the bank runs. `balance` is the bank's mirror of the central ledger, moved only by
-- the ledger's answers (results and credits); the central ledger is the authority.
create table wallets (
  id text primary key,
  customer_id text not null references customers (id),
  wallet_class smallint not null check (wallet_class between 1 and 4),
  public_key bytea not null unique check (length(public_key) = 32),
  status text not null check (status in ('pending', 'open', 'rejected')),
  rejection_code text,
  request_id text not null unique,
  command_id text not null unique,
  balance bigint not null default 0 check (balance >= 0),
  created_at timestamptz not null default now(),
  decided_at timestamptz,
  check ((status = 'rejected') = (rejection_code is not null))
);
create index wallets_by_customer on wallets (customer_id);

-- Loads and unloads by their client-chosen id, with the ledger command that carries them.
create table ledger_requests (
  kind text not null check (kind in ('load', 'unload')),
  request_id text not null,
  wallet_id text not null references wallets (id),
  amount bigint not null check (amount > 0),
  command_id text not null unique,
  status text not null check (status in ('pending', 'accepted', 'rejected')),
  code text,
  sequence bigint,
  created_at timestamptz not null default now(),
  decided_at timestamptz,
  primary key (kind, request_id),
  check ((status = 'rejected') = (code is not null))
);
create index ledger_requests_pending on ledger_requests (wallet_id) where status = 'pending';

-- What moved a wallet's mirror, newest last; (wallet, kind, reference) is unique so a redelivered
-- event adds nothing.
create table wallet_history (
  id bigserial primary key,
  wallet_id text not null references wallets (id),
  kind text not null check (kind in ('load', 'unload', 'payment-in', 'payment-out')),
  reference text not null,
  amount bigint not null check (amount > 0),
  sequence bigint,
  counterparty text,
  created_at timestamptz not null default now(),
  unique (wallet_id, kind, reference)
);
