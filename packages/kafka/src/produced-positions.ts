import type { AppendedRecord, LogRecord } from "@meterline/core";
import { KafkaLogError } from "./kafka-failure.js";

/** One partition's part of a produce response (kafkajs `RecordMetadata`). */
export interface ProducedPartition {
  partition: number;
  /** Offset of the first record the request wrote to this partition (always set for acks=-1). */
  baseOffset?: string;
  /** Broker append time in ms for a LogAppendTime topic; "-1" (or absent) for CreateTime. */
  logAppendTime?: string;
}

/**
 * Stamps each record with its position and ingestedAt from one produce request's response.
 *
 * The request carries one record batch per partition, holding that partition's records in request
 * order (kafkajs groups them preserving order), and the broker gives a batch consecutive offsets
 * from its `baseOffset`. So a record's offset is its partition's base offset plus its index among
 * the request's records *of that partition*, not its index in the request. `ingestedAt` is the
 * broker's LogAppendTime for that batch; a topic left at CreateTime reports -1, and then the
 * timestamp the producer wrote into the record (`createTime`) is what consumers read back, so
 * both sides still agree.
 */
export function positionProducedRecords(
  records: readonly LogRecord[],
  partitions: readonly number[],
  produced: readonly ProducedPartition[],
  createTime: Date,
): AppendedRecord[] {
  if (partitions.length !== records.length) throw new RangeError("one partition per record is required");
  const byPartition = new Map<number, ProducedPartition>();
  for (const entry of produced) {
    if (byPartition.has(entry.partition)) {
      throw new KafkaLogError(`produce response lists partition ${entry.partition} twice`);
    }
    byPartition.set(entry.partition, entry);
  }
  const nextIndex = new Map<number, number>();
  return records.map((record, index) => {
    const partition = partitions[index] as number;
    const batch = byPartition.get(partition);
    if (batch === undefined) throw new KafkaLogError(`produce response has no offset for partition ${partition}`);
    const baseOffset = Number(batch.baseOffset ?? "-1");
    if (!Number.isSafeInteger(baseOffset) || baseOffset < 0) {
      throw new KafkaLogError(`produce response has no usable base offset for partition ${partition}`);
    }
    const indexInPartition = nextIndex.get(partition) ?? 0;
    nextIndex.set(partition, indexInPartition + 1);
    const appendTime = Number(batch.logAppendTime ?? "-1");
    const ingestedAt = Number.isSafeInteger(appendTime) && appendTime >= 0 ? new Date(appendTime) : createTime;
    return { ...record, position: { partition, offset: baseOffset + indexInPartition }, ingestedAt };
  });
}
