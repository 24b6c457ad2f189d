import type { Batch, Expectation } from "./workload.js";

/**
 * HTTP ingest load: `concurrency` clients post the batches to `/v1/events/ingest`, and every
 * `duplicateEvery`-th batch is posted once more in full after its first answer (same external
 * ids), which must come back as all duplicates. A 503 must carry Retry-After; with
 * `retryUnavailable` the client waits that long and posts the same batch again. Everything that
 * is not as expected is collected in `unexpected`, not thrown, so a test sees the whole picture.
 */
export interface LoadOptions {
  url: string;
  token: (batch: Batch) => string;
  batches: Batch[];
  concurrency: number;
  expectation: Expectation;
  log: (message: string) => void;
  duplicateEvery?: number;
  retryUnavailable?: boolean;
  /** Client-side bound per request: longer is a hang (reported, then retried). Default 30 s. */
  requestTimeoutMs?: number;
  /**
   * Paces first sends to about this rate, so a load outlasts an outage started mid-way (a
   * broker's shutdown takes seconds). Default: as fast as the clients go.
   */
  eventsPerSecond?: number;
}

export interface LoadReport {
  requests: number;
  statuses: Record<string, number>;
  /** Sums over the 200 answers to first sends (retries included) and to deliberate re-sends. */
  inserted: number;
  duplicates: number;
  resendInserted: number;
  resendDuplicates: number;
  resends: number;
  /** 503 answers, those of them without Retry-After, and batches that needed more than one post. */
  unavailable: number;
  missingRetryAfter: number;
  retriedBatches: number;
  /** Non-200/503 answers, wrong counts, network errors and hangs, one line each. */
  unexpected: string[];
  slowestMs: number;
  seconds: number;
}

export interface LoadProgress {
  /** Events of batches acknowledged at least once (first sends). */
  ackedEvents: number;
  ackedBatches: number;
  /** When each first send was acknowledged (ms since epoch), by batch index. */
  ackedAt: Map<number, number>;
  unavailable: number;
}

export interface RunningLoad {
  progress: LoadProgress;
  done: Promise<LoadReport>;
  /** Lets the clients finish their request in flight and stop (a failing test's cleanup). */
  stop(): void;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `condition` every 50 ms; throws naming `what` after `timeoutMs`. */
export async function until(what: string, condition: () => boolean | Promise<boolean>, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(50);
  }
}

export function startLoad(options: LoadOptions): RunningLoad {
  const progress: LoadProgress = { ackedEvents: 0, ackedBatches: 0, ackedAt: new Map(), unavailable: 0 };
  const report: LoadReport = {
    requests: 0,
    statuses: {},
    inserted: 0,
    duplicates: 0,
    resendInserted: 0,
    resendDuplicates: 0,
    resends: 0,
    unavailable: 0,
    missingRetryAfter: 0,
    retriedBatches: 0,
    unexpected: [],
    slowestMs: 0,
    seconds: 0,
  };
  const timeoutMs = options.requestTimeoutMs ?? 30_000;
  const startedAt = Date.now();
  const pending = [...options.batches];
  let started = 0;
  const resends: Batch[] = [];
  let stopped = false;

  /** Posts until the batch gets an answer other than 503 (or a network failure) when retrying. */
  async function post(batch: Batch, resend: boolean): Promise<{ inserted: number; duplicates: number } | null> {
    const body = JSON.stringify({ events: batch.events });
    for (let attempt = 1; ; attempt++) {
      const sentAt = Date.now();
      report.requests += 1;
      let status: number;
      let text: string;
      let retryAfter: string | null;
      try {
        const response = await fetch(`${options.url}/v1/events/ingest`, {
          method: "POST",
          headers: { authorization: `Bearer ${options.token(batch)}`, "content-type": "application/json" },
          body,
          signal: AbortSignal.timeout(timeoutMs),
        });
        status = response.status;
        retryAfter = response.headers.get("retry-after");
        text = await response.text();
      } catch (error) {
        const elapsed = Date.now() - sentAt;
        report.slowestMs = Math.max(report.slowestMs, elapsed);
        report.unexpected.push(
          `batch ${batch.index} attempt ${attempt}: ${(error as Error).message} after ${elapsed} ms`,
        );
        if (!options.retryUnavailable || stopped) return null;
        await sleep(1000);
        continue;
      }
      const elapsed = Date.now() - sentAt;
      report.slowestMs = Math.max(report.slowestMs, elapsed);
      report.statuses[status] = (report.statuses[status] ?? 0) + 1;
      if (status === 200) {
        if (attempt > 1) report.retriedBatches += 1;
        const result = JSON.parse(text) as { inserted: number; duplicates: number };
        if (result.inserted + result.duplicates !== batch.events.length) {
          report.unexpected.push(`batch ${batch.index}${resend ? " (re-sent)" : ""}: answered ${text}`);
        }
        return result;
      }
      if (status === 503) {
        report.unavailable += 1;
        progress.unavailable += 1;
        if (retryAfter === null) report.missingRetryAfter += 1;
        if (!options.retryUnavailable || stopped) {
          report.unexpected.push(`batch ${batch.index}: 503 ${text}`);
          return null;
        }
        const seconds = Number(retryAfter ?? "1");
        await sleep(Math.min(2000, Math.max(200, (Number.isFinite(seconds) ? seconds : 1) * 1000)));
        continue;
      }
      report.unexpected.push(`batch ${batch.index}${resend ? " (re-sent)" : ""}: ${status} ${text.slice(0, 500)}`);
      return null;
    }
  }

  async function client(): Promise<void> {
    for (;;) {
      if (stopped) return;
      const resend = resends.shift();
      if (resend !== undefined) {
        report.resends += 1;
        const result = await post(resend, true);
        if (result === null) continue;
        report.resendInserted += result.inserted;
        report.resendDuplicates += result.duplicates;
        if (result.inserted !== 0) {
          report.unexpected.push(`re-sent batch ${resend.index} inserted ${result.inserted} events again`);
        }
        continue;
      }
      const batch = pending.shift();
      if (batch === undefined) return;
      if (options.eventsPerSecond !== undefined) {
        const due = startedAt + (started * batch.events.length * 1000) / options.eventsPerSecond;
        started += 1;
        if (due > Date.now()) await sleep(due - Date.now());
      }
      const result = await post(batch, false);
      if (result === null) continue;
      report.inserted += result.inserted;
      report.duplicates += result.duplicates;
      options.expectation.add(batch);
      progress.ackedEvents += batch.events.length;
      progress.ackedBatches += 1;
      progress.ackedAt.set(batch.index, Date.now());
      if (options.duplicateEvery !== undefined && batch.index % options.duplicateEvery === options.duplicateEvery - 1) {
        resends.push(batch);
      }
    }
  }

  const total = options.batches.reduce((sum, batch) => sum + batch.events.length, 0);
  let lastEvents = 0;
  let lastAt = startedAt;
  const ticker = setInterval(() => {
    const now = Date.now();
    const rate = ((progress.ackedEvents - lastEvents) * 1000) / (now - lastAt);
    lastEvents = progress.ackedEvents;
    lastAt = now;
    options.log(
      `ingest: ${progress.ackedEvents}/${total} events acknowledged (${Math.round(rate)} events/s now), ` +
        `${report.requests} requests, ${report.unavailable} answered 503`,
    );
  }, 5000);

  const done = (async () => {
    try {
      await Promise.all(Array.from({ length: options.concurrency }, () => client()));
      // Re-sends queued by the last batches.
      await Promise.all(Array.from({ length: options.concurrency }, () => client()));
    } finally {
      stopped = true;
      clearInterval(ticker);
    }
    report.seconds = (Date.now() - startedAt) / 1000;
    options.log(
      `ingest done: ${progress.ackedEvents} events in ${report.seconds.toFixed(1)} s ` +
        `(${Math.round(progress.ackedEvents / report.seconds)} events/s), ${report.requests} requests, ` +
        `statuses ${JSON.stringify(report.statuses)}, slowest ${report.slowestMs} ms`,
    );
    return report;
  })();
  return {
    progress,
    done,
    stop: () => {
      stopped = true;
    },
  };
}
