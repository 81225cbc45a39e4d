-- The regulator's own records (ARCHITECTURE.md §7).
--   * officials: the public keys of the officials of the key ceremony (the registry);
--   * reports: large-value and structuring reports from the central bank, stored once by id
--     (Kafka delivers at least once); report_escrows: the newest escrow seen for each wallet;
--   * unmasking_requests / unmasking_approvals: who asked to unmask which wallet, why, and which
--     distinct officials approved. Shares are never stored: they live in memory until the opening;
--   * audit_records: every request, approval, refusal and opening, with the SHA-256 digest of the
--     record; an opening's digest is anchored in the central ledger (anchor_command_id, and the
--     ledger sequence once the ledger answered).

create table officials (
  official_id text primary key check (official_id ~ '^official-[0-9]{1,3}$'),
  ceremony_id text not null,
  signing_public_key bytea not null unique check (length(signing_public_key) = 32),
  encryption_public_key bytea not null check (length(encryption_public_key) = 32),
  share_digest bytea not null check (length(share_digest) = 32),
  registered_at timestamptz not null default now()
);

create table reports (
  report_id text primary key check (report_id <> ''),
  report_kind text not null check (report_kind in ('large-value', 'structuring')),
  payer_wallet_id text not null,
  amount_total bigint not null check (amount_total > 0),
  body jsonb not null,
  received_at timestamptz not null default now()
);
create index reports_received on reports (received_at desc);

create table report_escrows (
  wallet_id text primary key,
  escrow bytea not null,
  report_id text not null references reports (report_id)
);

create table unmasking_requests (
  request_id text primary key check (request_id <> ''),
  case_id text not null check (case_id <> ''),
  legal_basis text not null check (legal_basis <> ''),
  wallet_id text not null,
  requested_by text not null references officials (official_id),
  status text not null default 'open' check (status in ('open', 'opened')),
  requested_at timestamptz not null default now(),
  opened_at timestamptz,
  check ((status = 'opened') = (opened_at is not null))
);

create table unmasking_approvals (
  request_id text not null references unmasking_requests (request_id),
  official_id text not null references officials (official_id),
  approved_at timestamptz not null default now(),
  primary key (request_id, official_id)
);

create table audit_records (
  id bigserial primary key,
  request_id text not null,
  action text not null check (action in ('requested', 'approved', 'refused', 'opened')),
  official_id text not null,
  record jsonb not null,
  digest bytea not null check (length(digest) = 32),
  anchor_command_id text unique,
  anchored_sequence bigint,
  created_at timestamptz not null default now()
);
create index audit_records_request on audit_records (request_id, id);
