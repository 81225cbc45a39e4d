-- The central bank's application tables around the ledger engine (issue 3):
--   * central_bank_keys: the central bank's Ed25519 signing key, made at first start;
--   * ledger_policy_versions: every policy the ledger ever enforced, the newest is current;
--   * api_keys and staff_audit_log: who may call the HTTP API, and every write they made;
--   * issue_recall_requests: operators' issue and recall requests, idempotent on request_id.
-- The ledger's own tables (0002-ledger.sql) stay the engine's: nothing here writes to them.

-- One key, made by whichever process starts first (insert ... on conflict do nothing). Kept in
-- the database so the demo needs no key management; production keeps the private key in an HSM
-- and this table would hold only the public key and the HSM's key handle.
create table central_bank_keys (
  id smallint primary key default 1 check (id = 1),
  public_key bytea not null check (length(public_key) = 32),
  private_key bytea not null check (length(private_key) = 32),
  created_at timestamptz not null default now()
);

-- Append-only: a change of policy is a new version, so what the ledger enforced when stays known.
create table ledger_policy_versions (
  version bigserial primary key,
  preset text not null check (preset in ('ccb-2020', 'pboc-2021')),
  -- Custom limits replacing the preset's for some classes: {"1": {"balanceCap": "<fen>", ...}}.
  class_limits jsonb,
  large_value_threshold bigint not null check (large_value_threshold > 0),
  calendar_utc_offset_minutes integer not null check (calendar_utc_offset_minutes between -720 and 840),
  created_at timestamptz not null default now(),
  -- The API key that set it; null for the default written at first start.
  created_by text
);

-- Only the SHA-256 of a key is stored: a copy of the database does not let anyone call the API.
create table api_keys (
  id text primary key check (id ~ '^[a-z]+-[0-9a-f]{8,}$'),
  role text not null check (role in ('staff', 'auditor')),
  key_sha256 bytea not null unique check (length(key_sha256) = 32),
  created_at timestamptz not null default now(),
  revoked_at timestamptz
);

-- Every write (POST, PUT, PATCH, DELETE) that reached the API, refused ones included.
create table staff_audit_log (
  id bigserial primary key,
  at timestamptz not null default now(),
  api_key_id text,
  role text,
  method text not null,
  path text not null,
  request_body jsonb,
  status_code integer not null check (status_code between 100 and 599)
);
create index staff_audit_log_at on staff_audit_log (at);

-- Statuses: pending-approval (above the operator's automatic quota, waits for staff), submitted
-- (its ledger command is on the ledger topic), settled or rejected (decided; final).
create table issue_recall_requests (
  request_id text primary key,
  operator_id text not null references operators (id),
  direction text not null check (direction in ('issue', 'recall')),
  amount bigint not null check (amount > 0),
  status text not null check (status in ('pending-approval', 'submitted', 'settled', 'rejected')),
  -- The ledger command that carries it, derived from request_id; unique like the request.
  command_id text not null unique,
  code text,
  detail text,
  -- The ledger entry of a settled request.
  sequence bigint,
  received_at timestamptz not null default now(),
  submitted_at timestamptz,
  decided_at timestamptz,
  -- The API key of the staff member who approved or rejected it; null when automatic.
  reviewed_by text,
  reviewed_at timestamptz,
  check ((status = 'rejected') = (code is not null)),
  check ((status = 'settled') = (sequence is not null)),
  check ((status in ('settled', 'rejected')) = (decided_at is not null)),
  check (status <> 'submitted' or submitted_at is not null)
);
-- The approval queue and the sweep of requests still on their way through the ledger.
create index issue_recall_requests_open on issue_recall_requests (status, received_at)
  where status in ('pending-approval', 'submitted');
create index issue_recall_requests_operator on issue_recall_requests (operator_id, received_at);
