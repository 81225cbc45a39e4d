-- Each block proposal asks which of this bank's history lines fall in the block's sequence range
-- (endorsement), and would otherwise read the whole of wallet_history every few hundred
-- milliseconds: an index on the ledger sequence keeps that a range scan as history grows.
create index wallet_history_by_sequence on wallet_history (sequence) where sequence is not null;
