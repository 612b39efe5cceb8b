/** A small HTTP client for the chaos drivers: retries what a real client retries, gives up at a deadline. */
export interface Answer {
  status: number;
  body: Record<string, unknown>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Network errors, 5xx and 409 with `retryable: true` are retried until `deadlineMs`; other answers are returned. */
export async function call(
  url: string,
  init: { method?: string; body?: unknown; raw?: string; key?: string; headers?: Record<string, string> },
  deadlineMs = 90_000,
): Promise<Answer> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    let answer: Answer | null = null;
    try {
      const res = await fetch(url, {
        method: init.method ?? 'GET',
        headers: {
          ...(init.body !== undefined || init.raw !== undefined ? { 'content-type': 'application/json' } : {}),
          ...(init.key ? { authorization: `Bearer ${init.key}` } : {}),
          ...init.headers,
        },
        body: init.raw ?? (init.body === undefined ? undefined : JSON.stringify(init.body)),
        signal: AbortSignal.timeout(30_000),
      });
      const text = await res.text();
      let body: Record<string, unknown> = {};
      try {
        body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
      } catch {
        body = { text };
      }
      answer = { status: res.status, body };
    } catch {
      answer = null; // connection refused or cut: the service is restarting
    }
    const retry = !answer || answer.status >= 500 || (answer.status === 409 && answer.body.retryable === true);
    if (!retry) return answer!;
    if (Date.now() > deadline) {
      throw new Error(
        `${init.method ?? 'GET'} ${url} still failing at the deadline (${answer?.status ?? 'no answer'})`,
      );
    }
    await sleep(500);
  }
}

/** Like call(), but anything but a 2xx is an error. */
export async function ok(url: string, init: Parameters<typeof call>[1], deadlineMs?: number): Promise<Answer> {
  const answer = await call(url, init, deadlineMs);
  if (answer.status >= 300) {
    throw new Error(`${init.method ?? 'GET'} ${url} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  }
  return answer;
}
