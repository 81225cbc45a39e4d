-- The central bank's plumbing tables, shared in shape by every app (each app has its own copy).
--   * outbox: messages written in the same transaction as the state change they announce, and
--     published after commit (ARCHITECTURE.md §6: nothing is published before its commit);
--   * inbox: ids of messages already handled, so a redelivered message has no second effect;
--   * diagnostic_job_runs: rows written by the BullMQ diagnostic job, proof the job really ran.

create table outbox (
  id bigserial primary key,
  topic text not null check (topic <> ''),
  key text,
  payload jsonb not null,
  created_at timestamptz not null default now(),
  published_at timestamptz,
  check (published_at is null or published_at >= created_at)
);
-- The publisher reads the oldest unpublished rows; this index holds only those.
create index outbox_unpublished on outbox (id) where published_at is null;

create table inbox (
  message_id text primary key check (message_id <> ''),
  received_at timestamptz not null default now()
);

create table diagnostic_job_runs (
  job_id text primary key,
  queue text not null,
  processed_at timestamptz not null default now()
);
