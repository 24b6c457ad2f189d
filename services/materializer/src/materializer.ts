import {
  type AppendedRecord,
  type EventLog,
  type EventStore,
  type LogSubscription,
  MATERIALIZER_GROUP,
} from "@meterline/core";
import type { CustomerMeterProjector } from "./customer-meter-projector.js";

export interface MaterializerDeps {
  log: EventLog;
  store: EventStore;
  projector: CustomerMeterProjector;
  onError?: (error: unknown) => void;
  maxBatchSize?: number;
}

/**
 * EventLog → EventStore, then customer meters. The log position is committed only after both
 * writes, so a crash re-delivers the batch; the store ignores what it already has and the
 * projector skips what its rows already reflect (effectively once).
 */
export class Materializer {
  private subscription: LogSubscription | undefined;

  constructor(private readonly deps: MaterializerDeps) {}

  async start(): Promise<void> {
    if (this.subscription !== undefined) return;
    this.subscription = await this.deps.log.consume({
      group: MATERIALIZER_GROUP,
      maxBatchSize: this.deps.maxBatchSize ?? 2000,
      handler: (batch) => this.handle(batch),
      onError: this.deps.onError,
    });
  }

  async handle(batch: AppendedRecord[]): Promise<void> {
    const outcomes = await this.deps.store.insert(batch);
    // A second event with an already-used external id was never stored, so it counts nowhere.
    const stored = batch.filter((record) => outcomes.get(record.id) !== "duplicate_external_id");
    await this.deps.projector.project(stored);
  }

  async stop(): Promise<void> {
    await this.subscription?.stop();
    this.subscription = undefined;
  }
}
