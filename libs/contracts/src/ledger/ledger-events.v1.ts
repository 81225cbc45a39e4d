/**
 * What the central bank tells one operator, on `operator.<id>.events.v1`: the results of the
 * commands that operator submitted, and the credits to its wallets. Results and credits are
 * grouped per committed batch, so one committed batch costs one message per operator.
 * Rejection codes are the ledger's stable codes (libs/ledger); the payer appears only as its
 * pseudonymous wallet id.
 */
import { defineMessage, MessageOf } from '../message';
import { array, boolean, decimal, id, integer, object, oneOf, optional, text } from '../schema';

/** A batch of the ledger engine is capped well below this. */
export const eventsPerMessageMax = 10_000;

export const commandResultsV1 = defineMessage(
  'ledger.results',
  1,
  {
    batchId: decimal(),
    committedAt: integer(0, Number.MAX_SAFE_INTEGER),
    results: array(
      object({
        commandId: id(),
        commandType: id(64),
        status: oneOf(['accepted', 'rejected'] as const),
        code: optional(id(64)),
        detail: optional(text(500)),
        sequence: optional(decimal()),
        largeValue: optional(boolean()),
      }),
      eventsPerMessageMax,
    ),
  },
  [
    {
      type: 'ledger.results',
      version: 1,
      batchId: '42',
      committedAt: 1796000000000,
      results: [
        { commandId: 'pay-0001', commandType: 'ledger.payment', status: 'accepted', sequence: '1001' },
        { commandId: 'pay-0002', commandType: 'ledger.payment', status: 'rejected', code: 'INSUFFICIENT_FUNDS', detail: 'balance 100 < 12345' },
      ],
    },
  ],
);

export const walletCreditsV1 = defineMessage(
  'ledger.credits',
  1,
  {
    batchId: decimal(),
    committedAt: integer(0, Number.MAX_SAFE_INTEGER),
    credits: array(
      object({
        paymentId: id(),
        payerWalletId: id(),
        payeeWalletId: id(),
        amount: decimal({ min: 1n }),
        sequence: decimal(),
      }),
      eventsPerMessageMax,
    ),
  },
  [
    {
      type: 'ledger.credits',
      version: 1,
      batchId: '42',
      committedAt: 1796000000000,
      credits: [
        {
          paymentId: 'pay-0001',
          payerWalletId: 'w3f9a0c1d2e4b5a6978f0e1d2c3b4a5968778695a',
          payeeWalletId: 'w1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d',
          amount: '12345',
          sequence: '1001',
        },
      ],
    },
  ],
);

export type CommandResultsV1 = MessageOf<typeof commandResultsV1>;
export type WalletCreditsV1 = MessageOf<typeof walletCreditsV1>;

export const ledgerEventMessages = [commandResultsV1, walletCreditsV1] as const;
