import type { AppendedRecord, EventLog, LogPosition } from "@meterline/core";
import { onTestFinished } from "vitest";

export interface Delivery {
  records: AppendedRecord[];
  /** Whether the handler resolved (the batch may be committed) or threw (it must come again). */
  handled: boolean;
}

/** A consumer that writes down what the log hands it, for assertions on order and redelivery. */
export interface RecordingConsumer {
  deliveries: Delivery[];
  errors: unknown[];
  /** Records of successful deliveries, in delivery order. */
  handled(): AppendedRecord[];
  handledFor(organizationId: string): AppendedRecord[];
  /** Position of the last record of `partition` in a successful delivery. */
  lastHandledPosition(partition: number): LogPosition | null;
  /** Idempotent; also runs when the test finishes, so a failed assertion leaves no consumer behind. */
  stop(): Promise<void>;
}

export interface RecordingConsumerOptions {
  maxBatchSize?: number;
  /** Runs before a delivery counts as handled; throwing makes the handler throw. */
  beforeHandle?: (batch: AppendedRecord[]) => Promise<void> | void;
}

export async function startRecordingConsumer(
  log: EventLog,
  group: string,
  options: RecordingConsumerOptions = {},
): Promise<RecordingConsumer> {
  const deliveries: Delivery[] = [];
  const errors: unknown[] = [];
  const subscription = await log.consume({
    group,
    ...(options.maxBatchSize === undefined ? {} : { maxBatchSize: options.maxBatchSize }),
    handler: async (batch) => {
      const delivery: Delivery = { records: [...batch], handled: false };
      deliveries.push(delivery);
      await options.beforeHandle?.(batch);
      delivery.handled = true;
    },
    onError: (error) => errors.push(error),
  });
  let stopping: Promise<void> | undefined;
  const handled = () => deliveries.filter((delivery) => delivery.handled).flatMap((delivery) => delivery.records);
  const consumer: RecordingConsumer = {
    deliveries,
    errors,
    handled,
    handledFor: (organizationId) => handled().filter((record) => record.organizationId === organizationId),
    lastHandledPosition: (partition) =>
      handled()
        .filter((record) => record.position.partition === partition)
        .at(-1)?.position ?? null,
    stop: () => {
      stopping ??= subscription.stop();
      return stopping;
    },
  };
  onTestFinished(() => consumer.stop());
  return consumer;
}
