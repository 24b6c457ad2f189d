import {
  type AppendedRecord,
  type AppendResult,
  type Clock,
  type ConsumeOptions,
  DomainError,
  type EventLog,
  type IdempotencyKeys,
  type LogPosition,
  type LogRecord,
  type LogSubscription,
  systemClock,
} from "@meterline/core";
import type { Admin, Kafka, Producer } from "kafkajs";
import { consumerGroupId } from "./consumer-group-id.js";
import {
  createKafka,
  DEFAULT_RETRY,
  type KafkaConnectionOptions,
  type KafkaRetry,
  kafkaRetryOptions,
} from "./kafka-client.js";
import { KafkaLogError, kafkaFailure } from "./kafka-failure.js";
import { DEFAULT_CONSUMER_TUNING, type KafkaConsumerTuning, startKafkaSubscription } from "./kafka-subscription.js";
import { EVENTS_TOPIC } from "./kafka-topic.js";
import { encodeLogRecord } from "./log-record-envelope.js";
import { partitionForKey } from "./murmur2-partition.js";
import { splitProduceRequests } from "./produce-requests.js";
import { positionProducedRecords } from "./produced-positions.js";

export interface KafkaEventLogOptions extends KafkaConnectionOptions {
  /** Dedup keys live outside Kafka (PostgresIdempotencyKeys); the services wire it in. */
  idempotencyKeys: IdempotencyKeys;
  /** Default `meterline.events.v1`; it must exist (see ensureTopic). */
  topic?: string;
  /** Time for idempotency-key claims, and ingestedAt should the topic be at CreateTime. */
  clock?: Clock;
  /**
   * Largest record value accepted, in bytes, and the most one request puts in one partition's
   * record batch. Default 900 KiB, under the broker's default `message.max.bytes` (1 MiB, per
   * batch) with room for the framing: a bigger record is refused before anything is produced
   * instead of failing inside the broker.
   */
  maxRecordBytes?: number;
  /** How long the broker may wait for in-sync replicas before answering an append; below requestTimeoutMs. Default 2000. */
  ackTimeoutMs?: number;
  consumer?: Partial<KafkaConsumerTuning>;
}

export const DEFAULT_MAX_RECORD_BYTES = 900 * 1024;

/**
 * The distributed EventLog: one Kafka topic keyed by organization id (ARCHITECTURE §4, §6).
 * Positions are (partition, offset); ingestedAt is the broker's LogAppendTime. `connect()` must
 * resolve before `partitionFor` is used: it reads the topic's partition count.
 */
export class KafkaEventLog implements EventLog {
  readonly topic: string;
  private readonly kafka: Kafka;
  private readonly clock: Clock;
  private readonly idempotencyKeys: IdempotencyKeys;
  private readonly maxRecordBytes: number;
  private readonly ackTimeoutMs: number;
  private readonly tuning: KafkaConsumerTuning;
  private readonly retry: KafkaRetry;
  private producer: Promise<Producer> | undefined;
  private admin: Promise<Admin> | undefined;
  private partitionCount: number | undefined;
  private partitionCountStale = true;
  /** Appends take turns on the producer; see `send`. */
  private sendTail: Promise<unknown> = Promise.resolve();
  private readonly subscriptions = new Set<LogSubscription>();

  constructor(options: KafkaEventLogOptions) {
    this.kafka = createKafka(options);
    this.topic = options.topic ?? EVENTS_TOPIC;
    this.clock = options.clock ?? systemClock;
    this.idempotencyKeys = options.idempotencyKeys;
    this.maxRecordBytes = options.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES;
    this.ackTimeoutMs = options.ackTimeoutMs ?? 2000;
    this.retry = options.retry ?? DEFAULT_RETRY;
    this.tuning = { ...DEFAULT_CONSUMER_TUNING, ...options.consumer };
  }

  /** Connects the producer and reads the partition count; throws UnavailableError if Kafka is down. */
  async connect(): Promise<void> {
    await Promise.all([this.connectedProducer(), this.currentPartitionCount()]);
  }

  partitions(): number[] {
    if (this.partitionCount === undefined) {
      throw new Error("KafkaEventLog.partitions needs the topic's partition count: await connect() first");
    }
    return Array.from({ length: this.partitionCount }, (_, partition) => partition);
  }

  partitionFor(organizationId: string): number {
    if (this.partitionCount === undefined) {
      throw new Error("KafkaEventLog.partitionFor needs the topic's partition count: await connect() first");
    }
    return partitionForKey(organizationId, this.partitionCount);
  }

  async append(records: LogRecord[]): Promise<AppendResult> {
    if (records.length === 0) return { appended: [], duplicates: [] };
    // Encoded up front: a record that cannot be written fails the whole append before any key is
    // claimed or anything is produced.
    const values = new Map(records.map((record) => [record, this.encode(record)]));
    const { result, duplicates } = await this.idempotencyKeys.claim(records, this.clock.now(), (unique) =>
      this.produce(unique, values),
    );
    return { appended: result, duplicates };
  }

  private encode(record: LogRecord): string {
    const value = encodeLogRecord(record);
    const bytes = Buffer.byteLength(value, "utf8");
    if (bytes > this.maxRecordBytes) {
      throw new DomainError(
        "EVENT_TOO_LARGE",
        "invalid",
        `Event ${record.id} is ${bytes} bytes once encoded; the limit is ${this.maxRecordBytes}.`,
      );
    }
    return value;
  }

  private async produce(records: LogRecord[], values: Map<LogRecord, string>): Promise<AppendedRecord[]> {
    if (records.length === 0) return [];
    const count = await this.currentPartitionCount();
    const createTime = this.clock.now();
    const partitions = records.map((record) => partitionForKey(record.organizationId, count));
    const messages = records.map((record, index) => ({
      key: record.organizationId,
      value: values.get(record) as string,
      // Chosen here, not by the producer's partitioner, so partitionFor cannot disagree.
      partition: partitions[index] as number,
      timestamp: String(createTime.getTime()),
    }));
    const sizes = messages.map((message) => Buffer.byteLength(message.key) + Buffer.byteLength(message.value));
    const appended: AppendedRecord[] = [];
    // Usually one request. When there are several, a failure after the first leaves the earlier
    // ones in the log although the append throws (Kafka has no atomic multi-request write
    // without transactions); the materializer's dedup on (organization, external id) absorbs a
    // client's retry of records that carry an external id.
    for (const [start, end] of splitProduceRequests(sizes, partitions, this.maxRecordBytes)) {
      const response = await this.send(messages.slice(start, end));
      appended.push(
        ...positionProducedRecords(records.slice(start, end), partitions.slice(start, end), response, createTime),
      );
    }
    return appended;
  }

  /**
   * One produce request at a time, and a fresh producer after any failure. kafkajs rolls a failed
   * request's sequence numbers back; if that request did reach the log (a timeout after the write),
   * the next request would reuse its sequence numbers and the broker would answer it as a
   * duplicate without writing it. A new producer id starts a new sequence, so an acknowledged
   * append is always written. Within one send, kafkajs's retries reuse the same sequence numbers
   * for the same records, which is exactly the idempotent producer's dedup.
   */
  private send(messages: { key: string; value: string; partition: number; timestamp: string }[]) {
    const attempt = this.sendTail.then(async () => {
      const producing = this.connectedProducer();
      try {
        return await (await producing).send({ topic: this.topic, acks: -1, timeout: this.ackTimeoutMs, messages });
      } catch (error) {
        if (this.producer === producing) this.producer = undefined;
        producing.then((producer) => producer.disconnect()).catch(() => {});
        this.partitionCountStale = true;
        throw kafkaFailure(error, "append records");
      }
    });
    this.sendTail = attempt.catch(() => {});
    return attempt;
  }

  private connectedProducer(): Promise<Producer> {
    if (this.producer === undefined) {
      const producer = this.kafka.producer({
        idempotent: true,
        maxInFlightRequests: 1,
        allowAutoTopicCreation: false,
        retry: kafkaRetryOptions(this.retry),
      });
      const connecting = producer.connect().then(
        () => producer,
        (error) => {
          if (this.producer === connecting) this.producer = undefined;
          producer.disconnect().catch(() => {});
          throw kafkaFailure(error, "connect the producer");
        },
      );
      this.producer = connecting;
    }
    return this.producer;
  }

  private connectedAdmin(): Promise<Admin> {
    if (this.admin === undefined) {
      const admin = this.kafka.admin({ retry: kafkaRetryOptions(this.retry) });
      const connecting = admin.connect().then(
        () => admin,
        (error) => {
          if (this.admin === connecting) this.admin = undefined;
          admin.disconnect().catch(() => {});
          throw kafkaFailure(error, "connect the admin client");
        },
      );
      this.admin = connecting;
    }
    return this.admin;
  }

  /** The topic's partition count, read once and again after a failed append. */
  private async currentPartitionCount(): Promise<number> {
    if (this.partitionCount !== undefined && !this.partitionCountStale) return this.partitionCount;
    const admin = await this.connectedAdmin();
    let count: number;
    try {
      const metadata = await admin.fetchTopicMetadata({ topics: [this.topic] });
      count = metadata.topics[0]?.partitions.length ?? 0;
    } catch (error) {
      throw kafkaFailure(error, `read the metadata of topic ${this.topic}`);
    }
    if (count < 1) throw new KafkaLogError(`topic ${this.topic} has no partitions`);
    // A changed count means an operator added partitions, which moves organizations to other
    // partitions and breaks their total order (ARCHITECTURE §3.5): never do it to a live topic.
    // Should it happen, producing where the topic's own key mapping says is still the best choice.
    this.partitionCount = count;
    this.partitionCountStale = false;
    return count;
  }

  async consume(options: ConsumeOptions): Promise<LogSubscription> {
    const subscription = await startKafkaSubscription(this.kafka, this.topic, this.tuning, {
      ...options,
      group: consumerGroupId(options.group, this.topic),
    });
    const tracked: LogSubscription = {
      stop: async () => {
        await subscription.stop();
        this.subscriptions.delete(tracked);
      },
    };
    this.subscriptions.add(tracked);
    return tracked;
  }

  async watermark(group: string, partition: number): Promise<LogPosition | null> {
    const admin = await this.connectedAdmin();
    try {
      const [offsets] = await admin.fetchOffsets({
        groupId: consumerGroupId(group, this.topic),
        topics: [this.topic],
      });
      const committed = Number(offsets?.partitions.find((entry) => entry.partition === partition)?.offset ?? -1);
      // The group commits the offset it will read next; -1 means it never committed.
      return committed > 0 ? { partition, offset: committed - 1 } : null;
    } catch (error) {
      throw kafkaFailure(error, "read a consumer group's offsets");
    }
  }

  async head(partition: number): Promise<LogPosition | null> {
    const admin = await this.connectedAdmin();
    try {
      const offsets = await admin.fetchTopicOffsets(this.topic);
      const high = Number(offsets.find((entry) => entry.partition === partition)?.high ?? 0);
      // The high watermark is the offset the next record will get; records deleted by retention
      // still count, since positions are never reused.
      return high > 0 ? { partition, offset: high - 1 } : null;
    } catch (error) {
      throw kafkaFailure(error, "read the topic's offsets");
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.subscriptions].map((subscription) => subscription.stop()));
    const clients = await Promise.allSettled([this.producer, this.admin]);
    this.producer = undefined;
    this.admin = undefined;
    await Promise.all(
      clients.map((client) => (client.status === "fulfilled" ? client.value?.disconnect() : undefined)),
    );
  }
}
