/**
 * When the anchor sealer's next round is worth running (docs/decisions/0016-cheaper-sealing.md).
 * Pure, so its rules are unit-tested without a database (anchor-sealer-schedule.spec.ts).
 *
 * Every round costs a round trip to PostgreSQL (the watermark) even when there is nothing to
 * seal, so the loop does not poll at ANCHOR_POLL_MS all the time:
 * - a backlog (a round that sealed its maximum of blocks) goes on at once;
 * - with entries waiting below the watermark, or a writer still holding a candidate open, the next
 *   block is due at the block interval, or sooner when a full block should have arrived at the
 *   observed arrival rate; the loop wakes one poll before that, so the watermark candidate taken
 *   then has settled by the time the block is due;
 * - with nothing waiting, it backs off, doubling its delay up to idlePollMsMax.
 * Invariant: the delay is never more than idlePollMsMax, so sealing is never late by more than that.
 */

/** The longest the loop sleeps; the first entry after a pause waits at most this long for a round. */
export const idlePollMsMax = 200;
/** Weight of the newest observation in the arrival-rate average. */
export const arrivalRateWeight = 0.3;

export interface ScheduleInput {
  nowMs: number;
  /** ANCHOR_POLL_MS: the shortest delay between rounds that are not a backlog. */
  pollMs: number;
  /** ANCHOR_BLOCK_INTERVAL_MS and ANCHOR_BLOCK_ENTRIES_MAX. */
  blockIntervalMs: number;
  blockEntriesMax: number;
  /** The round sealed its maximum of blocks: more are waiting. */
  backlog: boolean;
  /** Sequences below the watermark and above the last sealed one (an upper bound on waiting entries). */
  waiting: number;
  /** A watermark candidate waits for open writers (entries are on their way). */
  candidatePending: boolean;
  lastSealAtMs: number;
  /** Entries per millisecond lately; 0 when unknown. */
  arrivalRate: number;
  /** The delay this loop used last, for the idle back-off. */
  previousDelayMs: number;
}

export function nextTickDelayMs(input: ScheduleInput): number {
  if (input.backlog) return 0;
  if (input.waiting === 0 && !input.candidatePending) {
    return Math.min(idlePollMsMax, Math.max(input.pollMs, input.previousDelayMs * 2));
  }
  let readyAt = input.lastSealAtMs + input.blockIntervalMs;
  if (input.arrivalRate > 0) {
    const missing = Math.max(0, input.blockEntriesMax - input.waiting);
    readyAt = Math.min(readyAt, input.nowMs + missing / input.arrivalRate);
  }
  return Math.min(idlePollMsMax, Math.max(input.pollMs, readyAt - input.pollMs - input.nowMs));
}

/** The arrival rate's running average after the watermark moved by `entries` in `elapsedMs`. */
export function nextArrivalRate(previousRate: number, entries: number, elapsedMs: number): number {
  if (entries <= 0 || elapsedMs <= 0) return previousRate;
  const rate = entries / elapsedMs;
  return previousRate === 0 ? rate : arrivalRateWeight * rate + (1 - arrivalRateWeight) * previousRate;
}

/** First wait before a block refused for a reason that may pass is proposed again to its operator. */
export const reproposeDelayMs = 2_000;
/** The longest wait between proposals of the same block to an operator that keeps refusing it for a transient reason. */
export const reproposeDelayMaxMs = 60_000;

/** Per operator: the lowest block it refused last round, the wait chosen then, and until when. */
export interface ReproposalState {
  lowest: bigint;
  delayMs: number;
  dueAtMs: number;
}

/**
 * Whether to propose an operator's refused blocks again now (docs/decisions/0018-binary-anchor-proposals.md),
 * and the state after doing so. The first round for a refusal goes at once; while the same lowest
 * block stays refused the wait doubles up to reproposeDelayMaxMs, so an operator whose books stay
 * behind is not flooded; a new lowest block (progress) starts again at reproposeDelayMs.
 * `force` ignores the wait (tests and the benchmark drive the sealer directly).
 */
export function nextReproposal(state: ReproposalState | undefined, lowest: bigint, nowMs: number, force: boolean): ReproposalState | undefined {
  if (state !== undefined && !force && nowMs < state.dueAtMs) return undefined;
  const delayMs = state !== undefined && state.lowest === lowest ? Math.min(state.delayMs * 2, reproposeDelayMaxMs) : reproposeDelayMs;
  return { lowest, delayMs, dueAtMs: nowMs + delayMs };
}
