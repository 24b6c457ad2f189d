import { Agent, request } from "node:http";
import { performance } from "node:perf_hooks";

/**
 * A small HTTP client for benchmarks: keep-alive `node:http` (far less CPU per request than
 * `fetch`, which matters when the client shares two cores with the servers it measures), and a
 * closed-loop ingest load on top of it. The same client drives Meterline and the bare-Fastify
 * ceiling, so their ratio compares servers, not clients.
 */

export interface HttpAnswer {
  status: number;
  text: string;
  retryAfter: string | null;
}

export class HttpClient {
  private readonly agent: Agent;
  private readonly host: string;
  private readonly port: number;

  constructor(
    base: string,
    sockets: number,
    private readonly timeoutMs = 30_000,
  ) {
    const url = new URL(base);
    this.host = url.hostname;
    this.port = Number(url.port);
    this.agent = new Agent({ keepAlive: true, maxSockets: sockets, maxFreeSockets: sockets });
  }

  send(method: "GET" | "POST", path: string, token: string, body?: string): Promise<HttpAnswer> {
    return new Promise((resolve, reject) => {
      const headers: Record<string, string | number> = { authorization: `Bearer ${token}`, accept: "application/json" };
      if (body !== undefined) {
        headers["content-type"] = "application/json";
        headers["content-length"] = Buffer.byteLength(body);
      }
      const call = request(
        { host: this.host, port: this.port, method, path, headers, agent: this.agent },
        (response) => {
          const chunks: Buffer[] = [];
          response.on("data", (chunk: Buffer) => chunks.push(chunk));
          response.on("end", () => {
            const retryAfter = response.headers["retry-after"];
            resolve({
              status: response.statusCode ?? 0,
              text: Buffer.concat(chunks).toString("utf8"),
              retryAfter: typeof retryAfter === "string" ? retryAfter : null,
            });
          });
          response.on("error", reject);
        },
      );
      call.setTimeout(this.timeoutMs, () => call.destroy(new Error(`no answer within ${this.timeoutMs} ms`)));
      call.on("error", reject);
      call.end(body);
    });
  }

  /** GET returning parsed JSON; anything but 200 throws. */
  async json<T>(path: string, token: string): Promise<T> {
    const answer = await this.send("GET", path, token);
    if (answer.status !== 200) throw new Error(`GET ${path} → ${answer.status}: ${answer.text.slice(0, 300)}`);
    return JSON.parse(answer.text) as T;
  }

  close(): void {
    this.agent.destroy();
  }
}

export interface LoadBatch<T = unknown> {
  index: number;
  token: string;
  body: string;
  events: number;
  data: T;
}

export interface IngestLoadOptions<T> {
  client: HttpClient;
  path?: string;
  concurrency: number;
  /** The next batch to send for the first time; undefined when there are no more. */
  next: () => LoadBatch<T> | undefined;
  /** performance.now() after which clients take no new batch (a time-bounded load). */
  until?: number;
  /** Every n-th batch is posted once more after its first 200 and must come back all duplicates. */
  duplicateEvery?: number;
  /** Paces first sends to about this many events per second. Default: as fast as the clients go. */
  eventsPerSecond?: number;
  /** Called once per batch, on its first 200. */
  onAccepted?: (batch: LoadBatch<T>) => void;
}

export interface IngestLoadReport {
  /** Events and batches of first sends answered 200 (after any 503 retries). */
  acceptedEvents: number;
  acceptedBatches: number;
  requests: number;
  statuses: Record<string, number>;
  /** 503 answers (each retried after Retry-After) and batches that needed more than one post. */
  unavailable: number;
  retriedBatches: number;
  resends: number;
  /** Events a deliberate re-send stored again: must be 0. */
  resendInserted: number;
  /** Answers other than 200/503, wrong counts, network errors: one line each. */
  unexpected: string[];
  /** Per 200 answer to a first send, in ms. */
  latencies: number[];
  seconds: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface IngestAnswer {
  inserted: number;
  duplicates: number;
}

/**
 * `concurrency` clients in a closed loop, each posting a batch, waiting for the answer, posting
 * the next. A 503 is retried after its Retry-After (bounded to 0.2–2 s), a network error after
 * 1 s; everything else that is not a 200 with `inserted + duplicates = events` is reported.
 */
export async function runIngestLoad<T>(options: IngestLoadOptions<T>): Promise<IngestLoadReport> {
  const path = options.path ?? "/v1/events/ingest";
  const report: IngestLoadReport = {
    acceptedEvents: 0,
    acceptedBatches: 0,
    requests: 0,
    statuses: {},
    unavailable: 0,
    retriedBatches: 0,
    resends: 0,
    resendInserted: 0,
    unexpected: [],
    latencies: [],
    seconds: 0,
  };
  const resends: LoadBatch<T>[] = [];
  const startedAt = performance.now();
  let firstSends = 0;
  let acceptedEventsForPacing = 0;

  async function post(batch: LoadBatch<T>, resend: boolean): Promise<IngestAnswer | null> {
    for (let attempt = 1; attempt <= 20; attempt++) {
      const sentAt = performance.now();
      report.requests += 1;
      let answer: HttpAnswer;
      try {
        answer = await options.client.send("POST", path, batch.token, batch.body);
      } catch (error) {
        report.unexpected.push(`batch ${batch.index} attempt ${attempt}: ${(error as Error).message}`);
        await sleep(1000);
        continue;
      }
      report.statuses[answer.status] = (report.statuses[answer.status] ?? 0) + 1;
      if (answer.status === 200) {
        if (!resend) report.latencies.push(performance.now() - sentAt);
        if (attempt > 1) report.retriedBatches += 1;
        const result = JSON.parse(answer.text) as IngestAnswer;
        if (result.inserted + result.duplicates !== batch.events) {
          report.unexpected.push(`batch ${batch.index}${resend ? " (re-sent)" : ""}: answered ${answer.text}`);
        }
        return result;
      }
      if (answer.status === 503) {
        report.unavailable += 1;
        const seconds = Number(answer.retryAfter ?? "1");
        await sleep(Math.min(2000, Math.max(200, (Number.isFinite(seconds) ? seconds : 1) * 1000)));
        continue;
      }
      report.unexpected.push(`batch ${batch.index}: ${answer.status} ${answer.text.slice(0, 300)}`);
      return null;
    }
    report.unexpected.push(`batch ${batch.index}: gave up after 20 attempts`);
    return null;
  }

  async function client(): Promise<void> {
    for (;;) {
      const resend = resends.shift();
      if (resend !== undefined) {
        report.resends += 1;
        const result = await post(resend, true);
        if (result !== null && result.inserted !== 0) {
          report.resendInserted += result.inserted;
          report.unexpected.push(`re-sent batch ${resend.index} inserted ${result.inserted} events again`);
        }
        continue;
      }
      if (options.until !== undefined && performance.now() >= options.until) return;
      const batch = options.next();
      if (batch === undefined) return;
      if (options.eventsPerSecond !== undefined) {
        const due = startedAt + (acceptedEventsForPacing * 1000) / options.eventsPerSecond;
        acceptedEventsForPacing += batch.events;
        const wait = due - performance.now();
        if (wait > 0) await sleep(wait);
      }
      firstSends += 1;
      const result = await post(batch, false);
      if (result === null) continue;
      report.acceptedEvents += batch.events;
      report.acceptedBatches += 1;
      options.onAccepted?.(batch);
      if (options.duplicateEvery !== undefined && batch.index % options.duplicateEvery === options.duplicateEvery - 1) {
        resends.push(batch);
      }
    }
  }

  await Promise.all(Array.from({ length: options.concurrency }, () => client()));
  // Time to the last first-send answer: the tail of re-sends is not ingest of new events.
  report.seconds = (performance.now() - startedAt) / 1000;
  await Promise.all(Array.from({ length: options.concurrency }, () => client()));
  if (firstSends !== report.acceptedBatches && report.unexpected.length === 0) {
    report.unexpected.push(`${firstSends - report.acceptedBatches} batches never answered 200`);
  }
  return report;
}
