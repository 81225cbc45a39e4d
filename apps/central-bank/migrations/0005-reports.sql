-- Reports to the regulator (ARCHITECTURE.md §7), made off the ledger's hot path by a tailer that
-- reads committed ledger entries in sequence order.
--   * report_positions: the last entry sequence the tailer has looked at, moved in the same
--     transaction as the reports it wrote to the outbox, so a crash neither skips nor repeats one;
--   * regulator_reports: every report made, once (its id is derived from the payment), so the
--     structuring rule can see what it already reported. Reports carry escrows (ciphertext sealed to
--     the regulator) and wallet ids, never a name, ID number or phone.

create table report_positions (
  tailer text primary key check (tailer <> ''),
  last_sequence bigint not null default 0 check (last_sequence >= 0),
  updated_at timestamptz not null default now()
);

create table regulator_reports (
  report_id text primary key check (report_id <> ''),
  report_kind text not null check (report_kind in ('large-value', 'structuring')),
  payer_wallet_id text not null,
  -- The payment that triggered the report: its sequence and commit time.
  trigger_sequence bigint not null,
  trigger_committed_at timestamptz not null,
  created_at timestamptz not null default now()
);
create index regulator_reports_structuring on regulator_reports (payer_wallet_id, trigger_committed_at) where report_kind = 'structuring';
