-- Merchants and their payment requests with webhook deliveries, the treasury's issue and recall
-- requests, and wallet class changes with the KYC they need. Every client-chosen id is a primary
-- key or unique, so a repeated call finds the first answer instead of making a second effect.

-- A merchant wallet: one of the bank's wallets, with where and how its owner is notified. The
-- webhook secret is sealed with the KYC key (AES-256-GCM) like other customer secrets.
create table merchant_wallets (
  wallet_id text primary key references wallets (id),
  webhook_url text not null check (webhook_url ~ '^https?://'),
  webhook_secret_sealed bytea not null,
  created_at timestamptz not null default now()
);

-- A payment request rendered as a `cbdc:pay?...` URI; `payment_id` is derived from the exact URI
-- (paymentIdForRequest), so the incoming credit is recognised by it and a request is paid at most
-- once on the ledger. `open` -> `paid` (in time), `paid-late` (the credit arrived after the
-- expiry) or `amount-mismatch` (a credit under the request's payment id with another amount).
create table payment_requests (
  request_id text primary key check (request_id <> ''),
  wallet_id text not null references merchant_wallets (wallet_id),
  payment_id text not null unique,
  uri text not null unique,
  amount bigint not null check (amount > 0),
  reference text not null,
  expires_at timestamptz not null,
  status text not null check (status in ('open', 'paid', 'paid-late', 'amount-mismatch')),
  paid_amount bigint,
  payer_wallet_id text,
  sequence bigint,
  paid_at timestamptz,
  created_at timestamptz not null default now(),
  check ((status = 'open') = (paid_at is null))
);

-- One webhook delivery per paid request, written in the transaction that marks it paid. The relay
-- enqueues the BullMQ job after commit (`enqueued_at`), and a sweep enqueues rows a crash left
-- behind; the job id is the delivery id, so enqueuing twice runs one job.
create table webhook_deliveries (
  delivery_id text primary key,
  request_id text not null unique references payment_requests (request_id),
  payload jsonb not null,
  status text not null default 'pending' check (status in ('pending', 'delivered', 'failed')),
  attempts integer not null default 0 check (attempts >= 0),
  enqueued_at timestamptz,
  delivered_at timestamptz,
  created_at timestamptz not null default now()
);
create index webhook_deliveries_unenqueued on webhook_deliveries (created_at) where enqueued_at is null;

-- Every attempt to deliver, with what the merchant's server answered.
create table webhook_attempts (
  id bigserial primary key,
  delivery_id text not null references webhook_deliveries (delivery_id),
  attempt integer not null check (attempt > 0),
  http_status integer,
  error text,
  at timestamptz not null default now()
);

-- The treasury's issue and recall requests to the central bank. At most one is in flight (asked
-- and not decided) at any time: the partial unique index makes a second one fail to insert.
create table treasury_requests (
  request_id text primary key check (request_id <> ''),
  direction text not null check (direction in ('issue', 'recall')),
  amount bigint not null check (amount > 0),
  status text not null check (status in ('requested', 'pending-approval', 'settled', 'rejected')),
  code text,
  detail text,
  requested_by text not null,
  created_at timestamptz not null default now(),
  decided_at timestamptz,
  check ((status in ('settled', 'rejected')) = (decided_at is not null))
);
create unique index treasury_requests_one_in_flight on treasury_requests ((true)) where status in ('requested', 'pending-approval');

-- KYC facts beyond the customer row: the identity document's expiry (sealed: it is KYC data too).
create table customer_documents (
  customer_id text primary key references customers (id),
  expires_on_sealed bytea not null,
  updated_at timestamptz not null default now()
);

-- The deposit account a class 2 wallet is linked to (the same customer's).
create table wallet_links (
  wallet_id text primary key references wallets (id),
  deposit_account_id text not null references deposit_accounts (id),
  linked_at timestamptz not null default now()
);

-- Class changes, each carried by a signed `ledger.change-wallet-class` command; the wallet's
-- class changes when the ledger accepts it. At most one change per wallet is pending.
create table wallet_class_changes (
  change_id text primary key check (change_id <> ''),
  wallet_id text not null references wallets (id),
  from_class smallint not null check (from_class between 1 and 4),
  to_class smallint not null check (to_class between 1 and 4),
  reason text not null check (reason in ('upgrade', 'document-expired')),
  verified_by text,
  command_id text not null unique,
  status text not null check (status in ('pending', 'accepted', 'rejected')),
  code text,
  created_at timestamptz not null default now(),
  decided_at timestamptz,
  check (from_class <> to_class),
  check ((status = 'rejected') = (code is not null))
);
create unique index wallet_class_changes_one_pending on wallet_class_changes (wallet_id) where status = 'pending';
