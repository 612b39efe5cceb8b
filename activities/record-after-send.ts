/** How long a sent mail's record is retried: a PostgreSQL restart or failover, well inside an activity timeout. */
const RECORD_RETRY_MS = 15_000;

/**
 * Writes the record of a mail that already went out. If that write failed the activity would be retried and
 * send the mail again (`npm run chaos` saw a second acknowledgement after a PostgreSQL restart), so a passing
 * database outage is waited out here instead.
 */
export async function recordAfterSend(record: () => Promise<unknown>, retryMs = RECORD_RETRY_MS): Promise<void> {
  const deadline = Date.now() + retryMs;
  for (let delay = 250; ; delay = Math.min(delay * 2, 2_000)) {
    try {
      await record();
      return;
    } catch (err) {
      if (Date.now() + delay > deadline) throw err;
      await new Promise((r) => setTimeout(r, delay));
    }
  }
}
