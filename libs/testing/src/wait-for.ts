/** How often `waitFor` polls unless told otherwise. */
export const waitForIntervalMsDefault = 100;

/**
 * Polls `probe` until it returns a value other than `undefined`, `null` or `false` (and does not
 * throw), and returns that value. Throws after `timeoutMs` with the last error or value seen,
 * so a failing test says what it was waiting for.
 */
export async function waitFor<T>(
  probe: () => T | Promise<T>,
  timeoutMs: number,
  options: { intervalMs?: number; what?: string } = {},
): Promise<Exclude<T, undefined | null | false>> {
  const deadline = Date.now() + timeoutMs;
  let last = 'never ran';
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== null && value !== false) return value as Exclude<T, undefined | null | false>;
      last = `returned ${String(value)}`;
    } catch (error) {
      last = `threw ${error instanceof Error ? error.message : String(error)}`;
    }
    if (Date.now() >= deadline) {
      throw new Error(`waited ${timeoutMs} ms for ${options.what ?? 'a condition'}; last attempt ${last}`);
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? waitForIntervalMsDefault));
  }
}
