import type { Logger } from '../logging/logger';

/** One health check may take this long before its dependency counts as down. */
export const healthCheckTimeoutMs = 2_000;

export class TimeoutError extends Error {
  constructor(what: string, ms: number) {
    super(`${what} timed out after ${ms} ms`);
    this.name = 'TimeoutError';
  }
}

/** Rejects with a `TimeoutError` if `promise` has not settled within `ms`. */
export async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(what, ms)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * A one-line reason for a failed check. Node reports a refused connection to `localhost` as an
 * AggregateError with an empty message (one attempt per address), so look inside it.
 */
export function describeError(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) return describeError(error.errors[0]);
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    if (error.message) return error.message;
    if (typeof code === 'string') return code;
    return error.name;
  }
  return String(error);
}

/** Logs when a dependency goes down or comes back, rather than at every poll of /health. */
export class HealthTransitions {
  private readonly last = new Map<string, 'up' | 'down'>();

  constructor(private readonly logger: Logger) {}

  record(key: string, status: 'up' | 'down', reason?: string): void {
    const previous = this.last.get(key);
    this.last.set(key, status);
    if (previous === status || (previous === undefined && status === 'up')) return;
    if (status === 'down') this.logger.warn({ dependency: key, reason }, 'dependency is down');
    else this.logger.info({ dependency: key }, 'dependency is up again');
  }
}
