/**
 * The ledger invariants of ARCHITECTURE.md §5, judged from totals the supply report reads out of
 * the committed database. Pure: the service runs the SQL, this decides what holds and says, one
 * sentence per failure, what does not.
 *
 * Checked here: (1) DC outstanding = issued - recalled = vaults + wallets, no negative balance but
 * the rtgs contra account, all balances sum to zero; (2) per operator, the central bank's half of
 * the reconciliation: reserve = credited - issued + recalled, vault + its wallets = issued -
 * recalled + cross-operator net, and its books agree with the accepted commands; (3) every command
 * applied at most once: unique command ids, one distinct sequence per accepted command; (5) the
 * anchor's blocks form one chain from height 0 (each names the previous block's hash), their
 * sequence ranges follow one another from entry 1, and each holds exactly the accepted entries of
 * its range. It is pending, not failed, while committed entries still wait for their block (the
 * sealer runs behind the ledger on purpose). Recomputing every Merkle root and checking signatures
 * and endorsements is `cbdc audit verify`'s job.
 */
import type { InvariantReportV1, SupplyOperatorV1, SupplyReportV1 } from '@cbdc/contracts';

export interface OperatorFacts {
  readonly operatorId: string;
  readonly reserve: bigint;
  readonly vault: bigint;
  readonly walletsHeld: bigint;
  /** The operator's books (operators table), kept by the engine. */
  readonly reserveCredited: bigint;
  readonly issued: bigint;
  readonly recalled: bigint;
  readonly crossOperatorNet: bigint;
  /** The same sums recomputed from the accepted commands. */
  readonly creditedByCommands: bigint;
  readonly issuedByCommands: bigint;
  readonly recalledByCommands: bigint;
}

export interface SupplyFacts {
  readonly issuedByCommands: bigint;
  readonly recalledByCommands: bigint;
  readonly heldInVaults: bigint;
  readonly heldInWallets: bigint;
  readonly balanceSum: bigint;
  readonly rtgsBalance: bigint;
  /** Non-contra accounts below zero: how many, and the first few. */
  readonly negativeCount: bigint;
  readonly negativeSamples: readonly { accountId: string; balance: bigint }[];
  readonly commandCount: bigint;
  readonly distinctCommandIds: bigint;
  readonly acceptedCount: bigint;
  readonly sequenceCount: bigint;
  readonly distinctSequences: bigint;
  readonly operators: readonly OperatorFacts[];
  readonly anchor: AnchorFacts;
}

/** The anchor log's shape, counted by the supply report's SQL (invariant 5). */
export interface AnchorFacts {
  readonly blocks: bigint;
  /** The lowest height and its first sequence (0 and 1 for a chain that starts at genesis). */
  readonly lowestHeight: bigint | null;
  readonly lowestFirstSequence: bigint | null;
  /** Blocks whose predecessor is missing, or does not end right before it, or whose hash it does not name. */
  readonly brokenLinks: bigint;
  /** Blocks whose entry count differs from the accepted entries in their range. */
  readonly miscountedBlocks: bigint;
  /** Accepted entries above the last sealed sequence: waiting for their block. */
  readonly unsealedEntries: bigint;
}

export function evaluateSupply(facts: SupplyFacts, asOf: Date): SupplyReportV1 {
  const issuedByBooks = sum(facts.operators.map((o) => o.issued));
  const recalledByBooks = sum(facts.operators.map((o) => o.recalled));
  const reserveCredited = sum(facts.operators.map((o) => o.reserveCredited));
  const outstanding = facts.issuedByCommands - facts.recalledByCommands;
  const held = facts.heldInVaults + facts.heldInWallets;

  const one: string[] = [];
  if (outstanding !== held) one.push(`DC outstanding ${outstanding} (issued - recalled) != ${held} held in vaults and wallets`);
  if (issuedByBooks !== facts.issuedByCommands) one.push(`issued ${facts.issuedByCommands} by accepted commands != ${issuedByBooks} in the operators' books`);
  if (recalledByBooks !== facts.recalledByCommands) one.push(`recalled ${facts.recalledByCommands} by accepted commands != ${recalledByBooks} in the operators' books`);
  if (facts.negativeCount > 0n) {
    const samples = facts.negativeSamples.map((a) => `${a.accountId} ${a.balance}`).join(', ');
    one.push(`${facts.negativeCount} account(s) other than rtgs are negative: ${samples}`);
  }
  if (facts.balanceSum !== 0n) one.push(`all balances sum to ${facts.balanceSum}, not zero: a change was not double entry`);
  if (facts.rtgsBalance !== -reserveCredited) one.push(`rtgs ${facts.rtgsBalance} != -(reserves credited ${reserveCredited})`);

  const two: string[] = [];
  for (const o of facts.operators) {
    const expectedReserve = o.reserveCredited - o.issued + o.recalled;
    if (o.reserve !== expectedReserve) two.push(`${o.operatorId}: reserve ${o.reserve} != credited - issued + recalled = ${expectedReserve}`);
    const expectedHeld = o.issued - o.recalled + o.crossOperatorNet;
    const operatorHeld = o.vault + o.walletsHeld;
    if (operatorHeld !== expectedHeld) two.push(`${o.operatorId}: vault + wallets ${operatorHeld} != issued - recalled + cross-operator net = ${expectedHeld}`);
    if (o.creditedByCommands !== o.reserveCredited) two.push(`${o.operatorId}: reserve credits ${o.creditedByCommands} by commands != ${o.reserveCredited} in its books`);
    if (o.issuedByCommands !== o.issued) two.push(`${o.operatorId}: issued ${o.issuedByCommands} by commands != ${o.issued} in its books`);
    if (o.recalledByCommands !== o.recalled) two.push(`${o.operatorId}: recalled ${o.recalledByCommands} by commands != ${o.recalled} in its books`);
  }
  const crossSum = sum(facts.operators.map((o) => o.crossOperatorNet));
  if (crossSum !== 0n) two.push(`cross-operator nets sum to ${crossSum}, not zero`);

  const three: string[] = [];
  if (facts.distinctCommandIds !== facts.commandCount) three.push(`${facts.commandCount} commands stored under ${facts.distinctCommandIds} distinct ids`);
  if (facts.sequenceCount !== facts.acceptedCount) three.push(`${facts.acceptedCount} accepted commands but ${facts.sequenceCount} entry sequences`);
  if (facts.distinctSequences !== facts.sequenceCount) three.push(`${facts.sequenceCount} entry sequences but only ${facts.distinctSequences} distinct`);

  const five: string[] = [];
  const anchor = facts.anchor;
  if (anchor.blocks > 0n && anchor.lowestHeight !== 0n) five.push(`the chain starts at height ${String(anchor.lowestHeight)}, not 0`);
  if (anchor.blocks > 0n && anchor.lowestFirstSequence !== 1n) five.push(`the first block starts at entry ${String(anchor.lowestFirstSequence)}, not 1`);
  if (anchor.brokenLinks > 0n) five.push(`${anchor.brokenLinks} block(s) do not follow their predecessor (missing, a sequence gap or overlap, or another previous hash)`);
  if (anchor.miscountedBlocks > 0n) five.push(`${anchor.miscountedBlocks} block(s) hold another number of entries than their header says`);
  const fiveStatus = five.length > 0 ? 'failed' : anchor.unsealedEntries > 0n ? 'pending' : 'ok';

  const invariants: InvariantReportV1[] = [
    report('1', 'DC outstanding = issued - recalled = vaults + wallets; no negative balance; balances sum to zero', one),
    report('2', "per operator: reserve = credited - issued + recalled; vault + its wallets = issued - recalled + cross-operator net", two,
      "The operator's half (this DC against its customers' deposits) is checked in its own books."),
    report('3', 'every ledger command applied at most once: unique command ids, distinct entry sequences', three),
    {
      invariant: '5',
      title: 'every committed entry belongs to exactly one sealed block; the blocks form one chain',
      status: fiveStatus,
      failures: five,
      note:
        fiveStatus === 'pending'
          ? `${anchor.unsealedEntries} committed entries are waiting for their block; ${anchor.blocks} blocks sealed`
          : `${anchor.blocks} blocks; Merkle roots, signatures and endorsements are checked by cbdc audit verify`,
    },
  ];
  const operators: SupplyOperatorV1[] = facts.operators.map((o) => ({
    operatorId: o.operatorId,
    reserve: o.reserve.toString(),
    vault: o.vault.toString(),
    walletsHeld: o.walletsHeld.toString(),
    reserveCredited: o.reserveCredited.toString(),
    issued: o.issued.toString(),
    recalled: o.recalled.toString(),
    crossOperatorNet: o.crossOperatorNet.toString(),
  }));
  return {
    asOf: asOf.toISOString(),
    outstanding: outstanding.toString(),
    issued: facts.issuedByCommands.toString(),
    recalled: facts.recalledByCommands.toString(),
    reserveCredited: reserveCredited.toString(),
    heldInVaults: facts.heldInVaults.toString(),
    heldInWallets: facts.heldInWallets.toString(),
    operators,
    invariants,
    ok: invariants.every((i) => i.status !== 'failed'),
  };
}

function report(invariant: '1' | '2' | '3', title: string, failures: string[], note?: string): InvariantReportV1 {
  return { invariant, title, status: failures.length === 0 ? 'ok' : 'failed', failures, ...(note ? { note } : {}) };
}

function sum(values: readonly bigint[]): bigint {
  return values.reduce((total, value) => total + value, 0n);
}
