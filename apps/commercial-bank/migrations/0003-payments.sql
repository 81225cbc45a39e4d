-- Payments made by this bank's wallet holders (POST /v1/payments), by their client-chosen id.
--   * The payment id is the ledger command id: the ledger applies it at most once, and this
--     table's primary key gives a repeated request the first answer instead of a second command.
--   * The signed instruction is kept as it was received, so a repeat is compared field by field
--     (a different body under the same id is a conflict, not a second payment).
--   * `payer_debited` records that the payer's mirror (wallets.balance) and the deposit book have
--     taken this payment out. It is set together with the payer's `payment-out` history line, once,
--     when the ledger's result arrives (or later, when the credit that funds it arrives: see
--     payments/payer-debits.ts), so a settled payment leaves the mirror exactly once.
create table payments (
  payment_id text primary key check (payment_id <> ''),
  payer_wallet_id text not null references wallets (id),
  payee_wallet_id text not null check (payee_wallet_id <> ''),
  amount bigint not null check (amount > 0),
  counter bigint not null check (counter > 0),
  signature text not null check (length(signature) = 128),
  payment_request text,
  status text not null default 'pending' check (status in ('pending', 'settled', 'rejected')),
  code text,
  detail text,
  sequence bigint,
  payer_debited boolean not null default false,
  created_at timestamptz not null default now(),
  decided_at timestamptz,
  check ((status = 'rejected') = (code is not null)),
  check ((status = 'settled') = (sequence is not null)),
  check (not payer_debited or status = 'settled')
);
-- A settled payment whose payer debit waits for the credit that funds it (rare: a credit and a
-- payment of one wallet in the same ledger batch); the index holds only those.
create index payments_payer_debit_due on payments (payer_wallet_id) where status = 'settled' and not payer_debited;
-- A holder's own payments, newest first.
create index payments_by_payer on payments (payer_wallet_id, created_at desc);
