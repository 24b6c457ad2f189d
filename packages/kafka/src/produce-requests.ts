/**
 * Upper bound of a record's framing inside a v2 record batch (length, attributes, timestamp and
 * offset deltas, key and value lengths, header count as varints).
 */
export const RECORD_OVERHEAD_BYTES = 32;

/**
 * Splits an append into produce requests, as consecutive slices of `sizes` (`[start, end)`), so
 * that no partition's part of a request exceeds `maxBatchBytes`. The broker's size limit
 * (`max.message.bytes`, 1 MiB by default) applies to a whole record batch, and kafkajs puts all
 * of a request's records for one partition in one batch: a large append to one organization
 * would be refused although each record fits. Slices are sent one after the other, so each
 * partition's records still get increasing offsets in request order.
 */
export function splitProduceRequests(
  sizes: readonly number[],
  partitions: readonly number[],
  maxBatchBytes: number,
): Array<[start: number, end: number]> {
  const requests: Array<[number, number]> = [];
  let start = 0;
  let batchBytes = new Map<number, number>();
  sizes.forEach((size, index) => {
    const partition = partitions[index] as number;
    const bytes = size + RECORD_OVERHEAD_BYTES;
    const current = batchBytes.get(partition) ?? 0;
    if (current > 0 && current + bytes > maxBatchBytes) {
      requests.push([start, index]);
      start = index;
      batchBytes = new Map();
    }
    batchBytes.set(partition, (batchBytes.get(partition) ?? 0) + bytes);
  });
  if (start < sizes.length) requests.push([start, sizes.length]);
  return requests;
}
