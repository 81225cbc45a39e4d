/**
 * Which refusals of a block may be mistaken (docs/decisions/0018-binary-anchor-proposals.md).
 *
 * An operator refuses a block with a stable code (`anchor.refusal` v1). Most codes say the block
 * contradicts something that will not change: a signature, a root, the link to the block before
 * it, an entry that disagrees with the operator's books. Those refusals are final. Two codes only
 * say that the operator could not check the block YET:
 * - `BOOKS_BEHIND`: an entry of the operator's (a load, an unload, a payment to its wallet) whose
 *   result its books had not applied when it stopped waiting;
 * - `PREVIOUS_BLOCK_MISSING`: its replica does not hold the block before this one (it refused that
 *   one, or has not seen it final yet), so the link cannot be checked.
 * The central bank proposes a block refused with one of these again, on a schedule, until the
 * operator endorses it or refuses it for good; the operator checks such a block afresh.
 */
export const anchorRefusalCodesTransient = ['BOOKS_BEHIND', 'PREVIOUS_BLOCK_MISSING'] as const;

export type AnchorTransientRefusalCode = (typeof anchorRefusalCodesTransient)[number];

/** Whether a refusal with this code may be re-evaluated later (see above). */
export function isTransientRefusal(code: string): code is AnchorTransientRefusalCode {
  return (anchorRefusalCodesTransient as readonly string[]).includes(code);
}
