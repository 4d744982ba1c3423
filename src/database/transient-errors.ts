/** PostgreSQL's deadlock_detected and serialization_failure: the statement did nothing and may simply run again. */
const RETRYABLE_SQLSTATES = new Set(['40P01', '40001']);

export function isRetryableConflict(err: unknown): boolean {
  const code = (err as { code?: unknown; driverError?: { code?: unknown } } | null)?.code;
  const driverCode = (err as { driverError?: { code?: unknown } } | null)?.driverError?.code;
  return RETRYABLE_SQLSTATES.has(String(code)) || RETRYABLE_SQLSTATES.has(String(driverCode));
}

/**
 * Runs a statement again when PostgreSQL picked it as a deadlock victim (or a serialization failure): the
 * victim's work was rolled back whole, so running it again is safe. Other errors, and the last attempt's, pass.
 */
export async function retryOnConflict<T>(run: () => Promise<T>, attempts = 4): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (err) {
      if (attempt >= attempts || !isRetryableConflict(err)) throw err;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * attempt));
    }
  }
}
