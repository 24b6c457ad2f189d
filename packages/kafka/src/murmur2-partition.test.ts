import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { kafkajs } from "./kafkajs-module.js";
import { murmur2, partitionForKey } from "./murmur2-partition.js";

describe("murmur2", () => {
  // The vectors of Kafka's own UtilsTest.testMurmur2 (clients/src/test/.../UtilsTest.java).
  it.each([
    ["21", -973932308],
    ["foobar", -790332482],
    ["a-little-bit-long-string", -985981536],
    ["a-little-bit-longer-string", -1486304829],
    ["lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8", -58897971],
    ["abc", 479470107],
  ])("hashes %j as the Java client does", (key, hash) => {
    expect(murmur2(new TextEncoder().encode(key))).toBe(hash);
  });
});

describe("partitionForKey", () => {
  const partitionMetadata = (count: number) =>
    Array.from({ length: count }, (_, partitionId) => ({
      partitionErrorCode: 0,
      partitionId,
      leader: 1,
      replicas: [1],
      isr: [1],
    }));

  it("agrees with kafkajs's default partitioner for organization ids, unicode keys and every partition count", () => {
    const partitioner = kafkajs.Partitioners.DefaultPartitioner();
    const keys = [...Array.from({ length: 500 }, () => randomUUID()), "", "a", "ab", "abc", "Grüße 🚀", "ключ"];
    for (const count of [1, 2, 3, 4, 7, 12, 64]) {
      for (const key of keys) {
        const expected = partitioner({
          topic: "t",
          partitionMetadata: partitionMetadata(count),
          message: { key, value: "" },
        });
        expect(partitionForKey(key, count), `key ${key} over ${count} partitions`).toBe(expected);
      }
    }
  });

  it("spreads organization ids over every partition", () => {
    const seen = new Set(Array.from({ length: 200 }, () => partitionForKey(randomUUID(), 4)));
    expect([...seen].sort()).toEqual([0, 1, 2, 3]);
  });

  it("refuses a partition count that is not a positive integer", () => {
    expect(() => partitionForKey("k", 0)).toThrow(RangeError);
    expect(() => partitionForKey("k", 1.5)).toThrow(RangeError);
  });
});
