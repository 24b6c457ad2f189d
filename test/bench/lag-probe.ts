import { performance } from "node:perf_hooks";
import type { HttpClient } from "./http-load.js";

/**
 * Ingest → queryable lag, sampled with marker events: one marker a second (unique external id,
 * name and external customer id `bench.marker`, which no customer has, counted by no meter) in the organization of a loaded
 * partition, so it queues behind the load. Lag is from the marker's ingest 200 to the first
 * `GET /v1/events/?name=bench.marker&limit=1` (newest first) that shows it. One organization is
 * one partition, materialized in log order, and markers are sent one after the other, so the
 * newest visible marker proves every earlier one visible: one cheap query per poll, whatever the
 * backlog.
 */
export const MARKER_NAME = "bench.marker";

export interface LagProbeOptions {
  ingest: HttpClient;
  api: HttpClient;
  token: string;
  /** Distinguishes this probe's markers from an earlier probe's on the same organization. */
  run: string;
  intervalMs?: number;
  pollMs?: number;
}

interface MarkerPage {
  items: Array<{ metadata: { run?: string; seq?: number } }>;
}

export class LagProbe {
  readonly samples: number[] = [];
  /** Markers acknowledged (each is one more stored event of the organization). */
  sent = 0;
  private readonly ackedAt = new Map<number, number>();
  private seen = -1;
  private stopped = false;
  private readonly loops: Promise<void>[];
  readonly errors: string[] = [];

  constructor(private readonly options: LagProbeOptions) {
    this.loops = [this.sendLoop(), this.pollLoop()];
  }

  private async sendLoop(): Promise<void> {
    const interval = this.options.intervalMs ?? 1000;
    for (let seq = 0; !this.stopped; seq++) {
      const due = performance.now() + interval;
      const body = JSON.stringify({
        events: [
          {
            name: MARKER_NAME,
            // Polar requires a customer; no customer has this external id, so nothing is projected.
            external_customer_id: MARKER_NAME,
            external_id: `marker-${this.options.run}-${seq}`,
            timestamp: new Date().toISOString(),
            metadata: { run: this.options.run, seq },
          },
        ],
      });
      for (let attempt = 0; attempt < 10 && !this.stopped; attempt++) {
        try {
          const answer = await this.options.ingest.send("POST", "/v1/events/ingest", this.options.token, body);
          if (answer.status === 200) {
            // Seen before its answer arrived: the event was queryable at the 200 already.
            if (seq <= this.seen) this.samples.push(0);
            else this.ackedAt.set(seq, performance.now());
            this.sent += 1;
            break;
          }
          if (answer.status !== 503) this.errors.push(`marker ${seq}: ${answer.status} ${answer.text.slice(0, 200)}`);
        } catch (error) {
          this.errors.push(`marker ${seq}: ${(error as Error).message}`);
        }
        await sleep(500);
      }
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
    }
  }

  private async pollLoop(): Promise<void> {
    const pollMs = this.options.pollMs ?? 50;
    // Polls until every acknowledged marker was seen, also after stop().
    while (!this.stopped || this.pending()) {
      if (this.pending()) {
        try {
          const page = await this.options.api.json<MarkerPage>(
            `/v1/events/?name=${MARKER_NAME}&limit=1&sorting=-timestamp`,
            this.options.token,
          );
          const now = performance.now();
          const newest = page.items[0]?.metadata;
          if (newest?.run === this.options.run && typeof newest.seq === "number") {
            for (let seq = this.seen + 1; seq <= newest.seq; seq++) {
              const acked = this.ackedAt.get(seq);
              if (acked !== undefined) this.samples.push(now - acked);
              this.ackedAt.delete(seq);
            }
            this.seen = Math.max(this.seen, newest.seq);
          }
        } catch (error) {
          this.errors.push(`poll: ${(error as Error).message}`);
        }
      }
      await sleep(pollMs);
    }
  }

  private pending(): boolean {
    return this.ackedAt.size > 0;
  }

  /** Stops sending; resolves once every acknowledged marker was seen. */
  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.loops);
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
