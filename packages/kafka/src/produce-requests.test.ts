import { describe, expect, it } from "vitest";
import { RECORD_OVERHEAD_BYTES, splitProduceRequests } from "./produce-requests.js";

const record = (bytes: number) => bytes - RECORD_OVERHEAD_BYTES;

describe("splitProduceRequests", () => {
  it("keeps an append that fits in one request", () => {
    expect(splitProduceRequests([record(100), record(200), record(300)], [0, 1, 0], 1000)).toEqual([[0, 3]]);
  });

  it("starts a new request when one partition's batch would exceed the limit", () => {
    // Partition 0 gets 400 + 400 (fits 1000), then a third 400 would make 1200.
    expect(splitProduceRequests([400, 400, 100, 400, 400].map(record), [0, 0, 1, 0, 0], 1000)).toEqual([
      [0, 3],
      [3, 5],
    ]);
  });

  it("counts partitions separately: many partitions together may exceed the limit", () => {
    expect(splitProduceRequests([900, 900, 900, 900].map(record), [0, 1, 2, 3], 1000)).toEqual([[0, 4]]);
  });

  it("gives a record as large as the limit a request of its own", () => {
    expect(splitProduceRequests([1000, 1000, 10].map(record), [2, 2, 2], 1000)).toEqual([
      [0, 1],
      [1, 2],
      [2, 3],
    ]);
  });

  it("returns no request for no record", () => {
    expect(splitProduceRequests([], [], 1000)).toEqual([]);
  });
});
