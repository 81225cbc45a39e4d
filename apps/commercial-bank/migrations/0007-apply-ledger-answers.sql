-- The bank applies the central ledger's answers (results of its holders' payments, credits to its
-- wallets) inside the database, so a message costs one round trip instead of about ten
-- (docs/decisions/0019-bank-applies-ledger-answers-in-sql.md). The functions keep the invariants of
-- payments/payer-debits.ts and wallets/ledger-events.service.ts, which call them:
--   * every message is applied once: its inbox mark is written in the same transaction, and every
--     step moves only what is still pending (a payment row, a history line unique per wallet, kind
--     and reference, a deposit entry unique per reference);
--   * locks are taken in one order everywhere: wallets in id order, then deposit accounts in id
--     order, so applying answers never deadlocks with loads, unloads or payments being written;
--   * money is bigint fen throughout (JSON carries it as decimal strings, cast to bigint exactly);
--   * a payer's mirror never goes below zero (the wallets check): a settled payment whose payer
--     has not received the credit that funds it yet waits (payments.payer_debited = false).

-- One entry of the deposit book, as deposit-book.ts postEntry posts it: both accounts locked in id
-- order, a reference posted once, a customer's balance never below zero.
create function post_deposit_entry(p_reference text, p_debit text, p_credit text, p_amount bigint) returns text
language plpgsql as $$
declare
  v_locked integer;
  v_debit_balance bigint;
  v_debit_contra boolean;
begin
  if p_amount is null or p_amount <= 0 then
    raise exception 'entry %: amount must be positive', p_reference;
  end if;
  if p_debit = p_credit then
    raise exception 'entry %: debit and credit are the same account', p_reference;
  end if;
  perform 1 from deposit_accounts where id in (p_debit, p_credit) order by id for update;
  get diagnostics v_locked = row_count;
  if v_locked <> 2 then
    raise exception 'entry %: account % or % does not exist', p_reference, p_debit, p_credit;
  end if;
  if exists (select 1 from deposit_entries where reference = p_reference) then
    return 'already-posted';
  end if;
  select balance, contra into v_debit_balance, v_debit_contra from deposit_accounts where id = p_debit;
  if not v_debit_contra and v_debit_balance < p_amount then
    return 'insufficient';
  end if;
  insert into deposit_entries (reference, debit_account, credit_account, amount) values (p_reference, p_debit, p_credit, p_amount);
  update deposit_accounts set balance = balance - p_amount where id = p_debit;
  update deposit_accounts set balance = balance + p_amount where id = p_credit;
  return 'posted';
end
$$;

-- Locks every wallet row that answers carrying these command ids (results) and these wallet ids
-- (payers and payees of credits) will touch, in id order, before anything else. `for no key
-- update` is the mode a balance update takes anyway; it leaves free the key share that a new
-- payment's foreign key check takes, so holders' payments are written while answers are applied.
create function lock_wallets_of_answers(p_command_ids text[], p_wallet_ids text[]) returns void
language plpgsql as $$
begin
  if cardinality(p_command_ids) = 0 and cardinality(p_wallet_ids) = 0 then
    return;
  end if;
  perform 1 from wallets where id in (
    select id from wallets where command_id = any(p_command_ids)
    union all select wallet_id from ledger_requests where command_id = any(p_command_ids)
    union all select payer_wallet_id from payments where payment_id = any(p_command_ids)
    union all select unnest(p_wallet_ids)
  ) order by id for no key update;
end
$$;

-- Debits every settled payment of these wallets that has not left its payer's mirror yet, plus the
-- `extra` payments (credits from one of our wallets to another made around the API, so without a
-- payments row), in ledger order per wallet, as far as each mirror allows; the rest waits. The
-- payer's `payment-out` history line is the one mark of a debit. `p_reference` names the one
-- deposit entry (dc-settlement -> clearing) of the call and must be unique to the message.
create function debit_payers(
  p_wallet_ids text[],
  p_extra_payment_ids text[],
  p_extra_payers text[],
  p_extra_payees text[],
  p_extra_amounts bigint[],
  p_extra_sequences bigint[],
  p_reference text
) returns void
language plpgsql as $$
declare
  v_wallets text[];
  v_ours text[];
  v_balances bigint[];
  v_candidate record;
  v_wallet text := null;
  v_balance bigint := 0;
  v_marked text[] := '{}';
  v_taken_ids text[] := '{}';
  v_taken_payers text[] := '{}';
  v_taken_payees text[] := '{}';
  v_taken_amounts bigint[] := '{}';
  v_taken_sequences bigint[] := '{}';
  v_total bigint := 0;
begin
  v_wallets := array(select distinct w from unnest(p_wallet_ids || p_extra_payers) as w where w is not null order by w);
  if cardinality(v_wallets) = 0 then
    return;
  end if;
  select coalesce(array_agg(id order by id), '{}'), coalesce(array_agg(balance order by id), '{}')
    into v_ours, v_balances
    from (select id, balance from wallets where id = any(v_wallets) order by id for no key update) as locked;
  -- Ordered by payer, then ledger sequence: each mirror is taken greedily in ledger order, which
  -- is what one pass over all candidates in sequence order gives, wallet by wallet.
  for v_candidate in
    with due as (
      select p.payment_id, p.payer_wallet_id, p.payee_wallet_id, p.amount, p.sequence
      from payments p
      where p.payer_wallet_id = any(v_ours) and p.status = 'settled' and not p.payer_debited
    ), extra as (
      select distinct on (e.payment_id) e.payment_id, e.payer_wallet_id, e.payee_wallet_id, e.amount, e.sequence
      from unnest(p_extra_payment_ids, p_extra_payers, p_extra_payees, p_extra_amounts, p_extra_sequences) as e(payment_id, payer_wallet_id, payee_wallet_id, amount, sequence)
      where e.payer_wallet_id = any(v_ours) and not exists (select 1 from due d where d.payment_id = e.payment_id)
    ), candidates as (
      select * from due union all select * from extra
    )
    select c.payment_id, c.payer_wallet_id, c.payee_wallet_id, c.amount, c.sequence,
           exists (select 1 from wallet_history h where h.wallet_id = c.payer_wallet_id and h.kind = 'payment-out' and h.reference = c.payment_id) as debited
    from candidates c
    order by c.payer_wallet_id, c.sequence
  loop
    if v_candidate.debited then
      v_marked := array_append(v_marked, v_candidate.payment_id);
      continue;
    end if;
    if v_wallet is distinct from v_candidate.payer_wallet_id then
      v_wallet := v_candidate.payer_wallet_id;
      v_balance := v_balances[array_position(v_ours, v_wallet)];
    end if;
    continue when v_balance < v_candidate.amount;
    v_balance := v_balance - v_candidate.amount;
    v_marked := array_append(v_marked, v_candidate.payment_id);
    v_taken_ids := array_append(v_taken_ids, v_candidate.payment_id);
    v_taken_payers := array_append(v_taken_payers, v_candidate.payer_wallet_id);
    v_taken_payees := array_append(v_taken_payees, v_candidate.payee_wallet_id);
    v_taken_amounts := array_append(v_taken_amounts, v_candidate.amount);
    v_taken_sequences := array_append(v_taken_sequences, v_candidate.sequence);
    v_total := v_total + v_candidate.amount;
  end loop;
  if cardinality(v_marked) > 0 then
    update payments set payer_debited = true where payment_id = any(v_marked) and status = 'settled';
  end if;
  if cardinality(v_taken_ids) = 0 then
    return;
  end if;
  insert into wallet_history (wallet_id, kind, reference, amount, sequence, counterparty)
    select wallet_id, 'payment-out', reference, amount, sequence, counterparty
    from unnest(v_taken_payers, v_taken_ids, v_taken_amounts, v_taken_sequences, v_taken_payees) as d(wallet_id, reference, amount, sequence, counterparty);
  update wallets w set balance = w.balance - d.amount
    from (select wallet_id, sum(amount) as amount from unnest(v_taken_payers, v_taken_amounts) as t(wallet_id, amount) group by wallet_id) as d
    where w.id = d.wallet_id;
  perform post_deposit_entry(p_reference, 'dc-settlement', 'clearing', v_total);
end
$$;

-- Records the ledger's results for our holders' payments (a JSON array of {commandId, status,
-- code, detail, sequence}; payments this bank has no row for are left to the credits), debits the
-- payers of the settled ones, and answers what was decided (for the requests waiting for it) as a
-- JSON array of {paymentId, status, code, detail, sequence}.
create function apply_payment_results(p_results jsonb, p_committed_at_ms bigint, p_reference text) returns jsonb
language plpgsql as $$
declare
  v_decided jsonb;
  v_settled_payers text[];
begin
  if p_results is null or jsonb_array_length(p_results) = 0 then
    return '[]'::jsonb;
  end if;
  with input as (
    select r."commandId" as payment_id, r.status = 'accepted' as accepted, r.code, r.detail, r.sequence
    from jsonb_to_recordset(p_results) as r("commandId" text, status text, code text, detail text, sequence bigint)
  ), decided as (
    update payments p
    set status = case when d.accepted then 'settled' else 'rejected' end,
        code = case when d.accepted then null else coalesce(d.code, 'REJECTED') end,
        detail = case when d.accepted then null else d.detail end,
        sequence = case when d.accepted then coalesce(d.sequence, 0) else null end,
        decided_at = to_timestamp(p_committed_at_ms::double precision / 1000)
    from input d
    where p.payment_id = d.payment_id and p.status = 'pending'
    returning p.payment_id, p.payer_wallet_id, p.status, p.code, p.detail, p.sequence
  )
  select coalesce(jsonb_agg(jsonb_build_object('paymentId', payment_id, 'status', status, 'code', code, 'detail', detail, 'sequence', sequence::text)), '[]'::jsonb),
         coalesce(array_agg(payer_wallet_id) filter (where status = 'settled'), '{}')
    into v_decided, v_settled_payers
    from decided;
  perform debit_payers(v_settled_payers, '{}', '{}', '{}', '{}', '{}', p_reference);
  return v_decided;
end
$$;

-- Applies one credits message (a JSON array of {paymentId, payerWalletId, payeeWalletId, amount,
-- sequence}): a credit to one of our wallets adds its `payment-in` history line (the mark that it
-- was applied), credits the mirror, and moves clearing -> dc-settlement; a payer that is ours too
-- is debited here when its result has not done it. Answers {"fresh": [payment ids applied now],
-- "unknownPayees": [{paymentId, walletId}]} so the caller can run merchant hooks and log.
create function apply_wallet_credits(p_batch_id text, p_credits jsonb) returns jsonb
language plpgsql as $$
declare
  v_ours text[];
  v_unknown jsonb;
  v_fresh_ids text[];
  v_fresh_payers text[];
  v_fresh_payees text[];
  v_fresh_amounts bigint[];
  v_fresh_sequences bigint[];
  v_total bigint;
begin
  select coalesce(array_agg(id order by id), '{}') into v_ours from (
    select id from wallets
    where id in (select c->>'payerWalletId' from jsonb_array_elements(p_credits) c union all select c->>'payeeWalletId' from jsonb_array_elements(p_credits) c)
    order by id for no key update
  ) as locked;
  select coalesce(jsonb_agg(jsonb_build_object('paymentId', c->>'paymentId', 'walletId', c->>'payeeWalletId')), '[]'::jsonb) into v_unknown
    from jsonb_array_elements(p_credits) c
    where not (c->>'payeeWalletId' = any(v_ours));
  with credits as (
    select c."paymentId" as payment_id, c."payerWalletId" as payer_wallet_id, c."payeeWalletId" as payee_wallet_id, c.amount, c.sequence
    from jsonb_to_recordset(p_credits) as c("paymentId" text, "payerWalletId" text, "payeeWalletId" text, amount bigint, sequence bigint)
    where c."payeeWalletId" = any(v_ours)
  ), inserted as (
    insert into wallet_history (wallet_id, kind, reference, amount, sequence, counterparty)
    select payee_wallet_id, 'payment-in', payment_id, amount, sequence, payer_wallet_id from credits
    on conflict (wallet_id, kind, reference) do nothing
    returning wallet_id, reference
  )
  select coalesce(array_agg(c.payment_id), '{}'), coalesce(array_agg(c.payer_wallet_id), '{}'), coalesce(array_agg(c.payee_wallet_id), '{}'),
         coalesce(array_agg(c.amount), '{}'), coalesce(array_agg(c.sequence), '{}'), coalesce(sum(c.amount), 0)
    into v_fresh_ids, v_fresh_payers, v_fresh_payees, v_fresh_amounts, v_fresh_sequences, v_total
    from credits c join inserted i on i.wallet_id = c.payee_wallet_id and i.reference = c.payment_id;
  if cardinality(v_fresh_ids) = 0 then
    return jsonb_build_object('fresh', '[]'::jsonb, 'unknownPayees', v_unknown);
  end if;
  update wallets w set balance = w.balance + d.amount
    from (select wallet_id, sum(amount) as amount from unnest(v_fresh_payees, v_fresh_amounts) as t(wallet_id, amount) group by wallet_id) as d
    where w.id = d.wallet_id;
  -- The payer's side, ours or not, took the DC out of dc-settlement into clearing; this side puts
  -- it back, so a payment between two of our wallets nets to zero in clearing.
  perform post_deposit_entry('payments-in:credits:' || p_batch_id, 'clearing', 'dc-settlement', v_total);
  -- Payer debits: ours made around the API, and any that waited for a credit to these wallets.
  perform debit_payers(
    array(select distinct unnest(v_fresh_payees)),
    array(select e.id from unnest(v_fresh_ids, v_fresh_payers) as e(id, payer) where e.payer = any(v_ours)),
    array(select e.payer from unnest(v_fresh_ids, v_fresh_payers) as e(id, payer) where e.payer = any(v_ours)),
    array(select e.payee from unnest(v_fresh_payers, v_fresh_payees) as e(payer, payee) where e.payer = any(v_ours)),
    array(select e.amount from unnest(v_fresh_payers, v_fresh_amounts) as e(payer, amount) where e.payer = any(v_ours)),
    array(select e.sequence from unnest(v_fresh_payers, v_fresh_sequences) as e(payer, sequence) where e.payer = any(v_ours)),
    'payments-out:credits:' || p_batch_id
  );
  return jsonb_build_object('fresh', to_jsonb(v_fresh_ids), 'unknownPayees', v_unknown);
end
$$;

-- Applies several of the ledger's answers in order, in the caller's transaction (one statement in
-- autocommit is one transaction): every wallet they touch locked first, then each answer once
-- (its inbox mark), payment results and credits as above. Only answers that need nothing but
-- these steps come here; the caller keeps loads, unloads, wallet registrations and merchant
-- requests on its own path. Input: a JSON array of {type: "results", messageId, batchId,
-- committedAt, results: [...]} and {type: "credits", messageId, batchId, credits: [...]}. Answers
-- {"decisions": [{paymentId, status, code, detail, sequence, settledAtMs}], "unknownPayees": [...]}.
create function apply_ledger_answers(p_answers jsonb) returns jsonb
language plpgsql as $$
declare
  v_answer jsonb;
  v_fresh integer;
  v_decided jsonb;
  v_decisions jsonb := '[]'::jsonb;
  v_unknown jsonb := '[]'::jsonb;
begin
  perform lock_wallets_of_answers(
    array(select r->>'commandId' from jsonb_array_elements(p_answers) a cross join jsonb_array_elements(case when a->>'type' = 'results' then a->'results' else '[]'::jsonb end) r),
    array(select w from jsonb_array_elements(p_answers) a
            cross join jsonb_array_elements(case when a->>'type' = 'credits' then a->'credits' else '[]'::jsonb end) c
            cross join lateral (values (c->>'payerWalletId'), (c->>'payeeWalletId')) as v(w))
  );
  for v_answer in select value from jsonb_array_elements(p_answers) with ordinality as e(value, ordinal) order by ordinal loop
    insert into inbox (message_id) values (v_answer->>'messageId') on conflict do nothing;
    get diagnostics v_fresh = row_count;
    continue when v_fresh = 0;
    if v_answer->>'type' = 'results' then
      v_decided := apply_payment_results(v_answer->'results', (v_answer->>'committedAt')::bigint, 'payments-out:results:' || (v_answer->>'batchId'));
      v_decisions := v_decisions || (select coalesce(jsonb_agg(d || jsonb_build_object('settledAtMs', (v_answer->>'committedAt')::bigint)), '[]'::jsonb) from jsonb_array_elements(v_decided) d);
    elsif v_answer->>'type' = 'credits' then
      v_unknown := v_unknown || (apply_wallet_credits(v_answer->>'batchId', v_answer->'credits')->'unknownPayees');
    else
      raise exception 'a ledger answer of unknown type %', v_answer->>'type';
    end if;
  end loop;
  return jsonb_build_object('decisions', v_decisions, 'unknownPayees', v_unknown);
end
$$;
