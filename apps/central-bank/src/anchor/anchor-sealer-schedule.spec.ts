// Proves the sealer's loop runs a backlog at once, wakes one poll before a block is due (by the interval or by a full block at the observed rate), backs off when idle, and never sleeps longer than idlePollMsMax; and that blocks refused for a transient reason are proposed again at once, then less and less often while the same block stays refused.
import { idlePollMsMax, nextArrivalRate, nextReproposal, nextTickDelayMs, reproposeDelayMaxMs, reproposeDelayMs, type ScheduleInput } from './anchor-sealer-schedule';

const base: ScheduleInput = {
  nowMs: 10_000,
  pollMs: 20,
  blockIntervalMs: 200,
  blockEntriesMax: 400,
  backlog: false,
  waiting: 50,
  candidatePending: false,
  lastSealAtMs: 10_000,
  arrivalRate: 0,
  previousDelayMs: 20,
};

describe('nextTickDelayMs', () => {
  it('goes on at once with a backlog', () => {
    expect(nextTickDelayMs({ ...base, backlog: true })).toBe(0);
  });

  it('wakes one poll before the interval ends when the rate is unknown', () => {
    expect(nextTickDelayMs(base)).toBe(180);
    expect(nextTickDelayMs({ ...base, nowMs: 10_150 })).toBe(30);
    expect(nextTickDelayMs({ ...base, nowMs: 10_199 })).toBe(20);
  });

  it('wakes sooner when a full block should arrive first at the observed rate', () => {
    // 350 entries missing at 3.5 per ms: full in 100 ms, woken at 80.
    expect(nextTickDelayMs({ ...base, arrivalRate: 3.5 })).toBe(80);
    // A full block already waiting (holes made it look short): the next poll.
    expect(nextTickDelayMs({ ...base, arrivalRate: 3.5, waiting: 400 })).toBe(20);
  });

  it('treats a pending watermark candidate as entries on their way', () => {
    expect(nextTickDelayMs({ ...base, waiting: 0, candidatePending: true })).toBe(180);
  });

  it('backs off when idle, doubling up to idlePollMsMax', () => {
    const idle = { ...base, waiting: 0 };
    expect(nextTickDelayMs({ ...idle, previousDelayMs: 0 })).toBe(20);
    expect(nextTickDelayMs({ ...idle, previousDelayMs: 20 })).toBe(40);
    expect(nextTickDelayMs({ ...idle, previousDelayMs: 160 })).toBe(idlePollMsMax);
    expect(nextTickDelayMs({ ...idle, previousDelayMs: idlePollMsMax })).toBe(idlePollMsMax);
  });

  it('never sleeps longer than idlePollMsMax, whatever the interval', () => {
    expect(nextTickDelayMs({ ...base, blockIntervalMs: 60_000 })).toBe(idlePollMsMax);
  });
});

describe('nextArrivalRate', () => {
  it('starts at the first observation, then averages, and ignores no progress', () => {
    expect(nextArrivalRate(0, 100, 50)).toBe(2);
    expect(nextArrivalRate(2, 400, 100)).toBeCloseTo(0.3 * 4 + 0.7 * 2);
    expect(nextArrivalRate(2, 0, 100)).toBe(2);
  });
});

describe('nextReproposal', () => {
  it('proposes a newly refused block at once, then doubles the wait while the same block stays refused, up to the limit', () => {
    let state = nextReproposal(undefined, 7n, 1_000, false)!;
    expect(state).toEqual({ lowest: 7n, delayMs: reproposeDelayMs, dueAtMs: 1_000 + reproposeDelayMs });
    expect(nextReproposal(state, 7n, state.dueAtMs - 1, false)).toBeUndefined();
    const delays: number[] = [];
    for (let round = 0; round < 10; round++) {
      state = nextReproposal(state, 7n, state.dueAtMs, false)!;
      delays.push(state.delayMs);
    }
    expect(delays.slice(0, 3)).toEqual([2 * reproposeDelayMs, 4 * reproposeDelayMs, 8 * reproposeDelayMs]);
    expect(Math.max(...delays)).toBe(reproposeDelayMaxMs);
  });

  it('starts again at the first wait when the operator moved on, and proposes at once when forced', () => {
    const waiting = { lowest: 7n, delayMs: 16_000, dueAtMs: 50_000 };
    expect(nextReproposal(waiting, 9n, 50_000, false)).toEqual({ lowest: 9n, delayMs: reproposeDelayMs, dueAtMs: 50_000 + reproposeDelayMs });
    expect(nextReproposal(waiting, 7n, 10_000, true)).toEqual({ lowest: 7n, delayMs: 32_000, dueAtMs: 42_000 });
  });
});
