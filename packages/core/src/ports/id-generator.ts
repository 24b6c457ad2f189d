import { randomBytes, randomUUID } from "node:crypto";

/** Injected id source, so tests can make ids deterministic. */
export interface IdGenerator {
  /** A lowercase UUID version 4. */
  uuid(): string;
  /** An event id: a UUID version 4 that sorts by `at` (see `timeOrderedUuid4`). */
  eventId(at: Date): string;
}

/**
 * A UUID version 4, as Polar's UUID4 checks require, whose first 48 bits are `atMs` (Unix
 * milliseconds, big-endian) and whose other 74 free bits come from `random` (10 bytes). Ids made
 * later sort later, so the ids of one materializer batch sit together in an index ordered by id:
 * ClickHouse's id-claim lookup reads a few granules instead of one granule per id (2.1–2.5 s per
 * 2,000 new random ids at 4.7M stored events, 60–90 ms for time-ordered ones), and B-tree inserts
 * stay at the right edge. The time of an event's ingestion is not a secret; 74 random bits keep
 * ids unguessable and distinct.
 */
export function timeOrderedUuid4(atMs: number, random: Uint8Array): string {
  if (random.length < 10) throw new RangeError("timeOrderedUuid4 needs 10 random bytes");
  const bytes = new Uint8Array(16);
  let time = Math.max(0, Math.trunc(atMs));
  for (let index = 5; index >= 0; index--) {
    bytes[index] = time % 256;
    time = Math.floor(time / 256);
  }
  bytes.set(random.subarray(0, 10), 6);
  bytes[6] = 0x40 | ((bytes[6] as number) & 0x0f);
  bytes[8] = 0x80 | ((bytes[8] as number) & 0x3f);
  const hex = Buffer.from(bytes).toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export const randomIdGenerator: IdGenerator = {
  uuid: () => randomUUID(),
  eventId: (at) => timeOrderedUuid4(at.getTime(), randomBytes(10)),
};
