/**
 * Command-line flags of the benchmark scripts (`npm run bench:* -- --payments 50000`).
 * Every flag is a positive integer; a bad value stops the benchmark before it measures anything.
 */
export function positiveIntFlag(name: string, fallback: number, argv: readonly string[] = process.argv): number {
  const index = argv.indexOf(`--${name}`);
  if (index < 0) return fallback;
  const value = Number(argv[index + 1]);
  if (!Number.isSafeInteger(value) || value <= 0) throw new Error(`--${name} must be a positive integer`);
  return value;
}
