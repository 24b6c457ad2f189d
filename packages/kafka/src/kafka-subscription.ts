import type { AppendedRecord, ConsumeOptions, LogSubscription } from "@meterline/core";
import type { Consumer, EachBatchPayload, Kafka, KafkaMessage } from "kafkajs";
import { type KafkaRetry, kafkaRetryOptions } from "./kafka-client.js";
import { kafkaFailure } from "./kafka-failure.js";
import { decodeLogRecord, InvalidLogRecordError } from "./log-record-envelope.js";

/** Consumer-group timing. Tests shorten it; the defaults are kafkajs's, which suit production. */
export interface KafkaConsumerTuning {
  /** A member silent this long is evicted. Floor: the broker's group.min.session.timeout.ms (6 s). Default 30 s. */
  sessionTimeoutMs: number;
  /** Also how often a long-running handler is kept alive. About a third of the session. Default 3 s. */
  heartbeatIntervalMs: number;
  /** How long a rebalance waits for members to finish their batch in flight and rejoin. Default 60 s. */
  rebalanceTimeoutMs: number;
  /** Longest fetch long-poll; bounds how long stop() waits for an idle consumer. Default 1 s. */
  maxWaitTimeMs: number;
  /** Backoff after a failed handler (or an undecodable record): doubles from initial to max. */
  handlerRetry: { initialMs: number; maxMs: number };
  /** kafkajs's reconnect and restart policy for the consumer. */
  retry: KafkaRetry;
  /**
   * Partitions whose batches are handled at the same time (each partition stays in order). A
   * materializer mostly waits on ClickHouse and PostgreSQL, so overlapping partitions (other
   * organizations) keeps it busy. Default 4.
   */
  concurrentPartitions: number;
}

export const DEFAULT_CONSUMER_TUNING: KafkaConsumerTuning = {
  sessionTimeoutMs: 30_000,
  heartbeatIntervalMs: 3_000,
  rebalanceTimeoutMs: 60_000,
  maxWaitTimeMs: 1_000,
  handlerRetry: { initialMs: 100, maxMs: 5_000 },
  retry: { retries: 8, initialRetryTimeMs: 300, maxRetryTimeMs: 10_000 },
  concurrentPartitions: 4,
};

/** Starts a consumer of `topic` in `options.group`; resolves once it has joined the group. */
export async function startKafkaSubscription(
  kafka: Kafka,
  topic: string,
  tuning: KafkaConsumerTuning,
  options: ConsumeOptions,
): Promise<LogSubscription> {
  const subscription = new KafkaSubscription(kafka, topic, tuning, options);
  await subscription.start();
  return subscription;
}

/**
 * One kafkajs consumer in a group, with offsets committed by hand.
 *
 * Per partition, records go to the handler in offset order, in chunks of at most `maxBatchSize`;
 * a chunk's `offset + 1` is committed only after the handler resolved. A chunk whose handler
 * throws is left unresolved, so the next fetch starts again at its first record (after a backoff,
 * with `onError` told): nothing is skipped, nothing after it is delivered first. An undecodable
 * record is treated the same way: the partition waits at it (a newer envelope version during a
 * rolling upgrade is the likely cause, and skipping it would lose usage).
 */
class KafkaSubscription implements LogSubscription {
  private consumer: Consumer | undefined;
  private starting: Promise<void> | undefined;
  private stopping: Promise<void> | undefined;
  private stopped = false;
  private readonly stopSignal = new AbortController();
  private readonly failures = new Map<number, number>();
  private restartTimer: NodeJS.Timeout | undefined;
  private readonly maxBatchSize: number;

  constructor(
    private readonly kafka: Kafka,
    private readonly topic: string,
    private readonly tuning: KafkaConsumerTuning,
    private readonly options: ConsumeOptions,
  ) {
    this.maxBatchSize = options.maxBatchSize ?? 1000;
    if (!Number.isSafeInteger(this.maxBatchSize) || this.maxBatchSize < 1) {
      throw new RangeError(`maxBatchSize must be a positive integer, got ${options.maxBatchSize}`);
    }
  }

  start(): Promise<void> {
    this.starting = this.join();
    return this.starting;
  }

  stop(): Promise<void> {
    this.stopping ??= this.shutdown();
    return this.stopping;
  }

  private async join(): Promise<void> {
    const consumer = this.kafka.consumer({
      groupId: this.options.group,
      sessionTimeout: this.tuning.sessionTimeoutMs,
      heartbeatInterval: this.tuning.heartbeatIntervalMs,
      rebalanceTimeout: this.tuning.rebalanceTimeoutMs,
      maxWaitTimeInMs: this.tuning.maxWaitTimeMs,
      allowAutoTopicCreation: false,
      retry: { ...kafkaRetryOptions(this.tuning.retry), restartOnFailure: async () => !this.stopped },
    });
    this.consumer = consumer;
    consumer.on(consumer.events.CRASH, ({ payload }) => this.crashed(consumer, payload.error, payload.restart));
    try {
      await consumer.connect();
      await consumer.subscribe({ topic: this.topic, fromBeginning: true });
      // Resolves after the group join and partition assignment.
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: this.tuning.concurrentPartitions,
        eachBatch: (payload) => this.eachBatch(payload),
      });
    } catch (error) {
      await consumer.disconnect().catch(() => {});
      throw kafkaFailure(error, `join consumer group ${this.options.group}`);
    }
  }

  private async eachBatch(payload: EachBatchPayload): Promise<void> {
    const { batch, resolveOffset, commitOffsetsIfNecessary, heartbeat, isRunning, isStale } = payload;
    const { partition, messages } = batch;
    let next = 0;
    while (next < messages.length) {
      // Stopping, or the partition is moving to another member: leave the rest uncommitted for
      // whoever consumes the partition next.
      if (this.stopped || !isRunning() || isStale()) return;
      let records: AppendedRecord[];
      try {
        records = this.decodeChunk(partition, messages, next);
        await this.keepingAlive(heartbeat, () => this.options.handler(records));
      } catch (error) {
        await this.backOff(partition, error, heartbeat);
        return;
      }
      this.failures.delete(partition);
      const last = (records[records.length - 1] as AppendedRecord).position.offset;
      try {
        await commitOffsetsIfNecessary({
          topics: [{ topic: this.topic, partitions: [{ partition, offset: String(last + 1) }] }],
        });
      } catch (error) {
        // The handler did its work; the records come again after kafkajs rejoins (at least once).
        this.options.onError?.(error);
        throw error;
      }
      // After the commit, so what this consumer fetches next never runs ahead of what is committed.
      resolveOffset(String(last));
      next += records.length;
      // Throws when the group is rebalancing: kafkajs rejoins with nothing uncommitted in hand.
      await heartbeat();
    }
  }

  /** Up to maxBatchSize records from `from`, stopping before an undecodable one. */
  private decodeChunk(partition: number, messages: KafkaMessage[], from: number): AppendedRecord[] {
    const records: AppendedRecord[] = [];
    for (let index = from; index < messages.length && records.length < this.maxBatchSize; index++) {
      const message = messages[index] as KafkaMessage;
      let record: AppendedRecord;
      try {
        record = {
          ...decodeLogRecord(message.value),
          position: { partition, offset: Number(message.offset) },
          // The broker's LogAppendTime: the same value the produce response reported.
          ingestedAt: new Date(Number(message.timestamp)),
        };
      } catch (error) {
        if (records.length > 0) break;
        throw new InvalidLogRecordError(
          `record at ${this.topic}/${partition}@${message.offset} cannot be decoded; the group waits at it`,
          { cause: error },
        );
      }
      records.push(record);
    }
    return records;
  }

  private async backOff(partition: number, error: unknown, heartbeat: () => Promise<void>): Promise<void> {
    const failures = (this.failures.get(partition) ?? 0) + 1;
    this.failures.set(partition, failures);
    this.options.onError?.(error);
    const { initialMs, maxMs } = this.tuning.handlerRetry;
    await this.keepingAlive(heartbeat, () =>
      abortableSleep(Math.min(maxMs, initialMs * 2 ** (failures - 1)), this.stopSignal.signal),
    );
  }

  /**
   * kafkajs heartbeats only between batches; a handler (or a backoff) longer than the session
   * timeout would get this member evicted mid-batch. A rebalance noticed here is noticed again by
   * the heartbeat after the batch, which hands control back to kafkajs to rejoin.
   */
  private async keepingAlive<T>(heartbeat: () => Promise<void>, work: () => Promise<T>): Promise<T> {
    const timer = setInterval(() => {
      heartbeat().catch(() => {});
    }, this.tuning.heartbeatIntervalMs);
    try {
      return await work();
    } finally {
      clearInterval(timer);
    }
  }

  private crashed(consumer: Consumer, error: Error, restarting: boolean): void {
    this.options.onError?.(error);
    // kafkajs restarts after failures it deems retryable; after any other, a consumer that stopped
    // silently would let the materializer fall behind forever, so start a fresh one.
    if (!restarting && consumer === this.consumer) this.scheduleRestart();
  }

  private scheduleRestart(): void {
    if (this.stopped) return;
    clearTimeout(this.restartTimer);
    this.restartTimer = setTimeout(() => {
      this.start().catch((error) => {
        this.options.onError?.(error);
        this.scheduleRestart();
      });
    }, this.tuning.handlerRetry.maxMs);
  }

  private async shutdown(): Promise<void> {
    this.stopped = true;
    this.stopSignal.abort();
    clearTimeout(this.restartTimer);
    await this.starting?.catch(() => {});
    try {
      // Waits for the batch in flight (which commits what its handler resolved), leaves the group.
      await this.consumer?.disconnect();
    } catch (error) {
      this.options.onError?.(error);
    }
  }
}

function abortableSleep(milliseconds: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, milliseconds);
    signal.addEventListener("abort", done);
  });
}
