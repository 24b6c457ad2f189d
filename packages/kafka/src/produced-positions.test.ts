import { randomUUID } from "node:crypto";
import type { LogRecord } from "@meterline/core";
import { describe, expect, it } from "vitest";
import { KafkaLogError } from "./kafka-failure.js";
import { positionProducedRecords } from "./produced-positions.js";

const record = (n: number): LogRecord => ({
  id: randomUUID(),
  organizationId: randomUUID(),
  name: "api.call",
  source: "user",
  timestamp: new Date("2025-06-01T12:00:00.000Z"),
  customerId: null,
  externalCustomerId: "customer-1",
  externalId: null,
  metadata: { n },
});

const createTime = new Date("2025-06-01T12:00:05.000Z");

describe("positionProducedRecords", () => {
  it("numbers each partition's records from its own base offset, in request order", () => {
    const records = [0, 1, 2, 3, 4, 5].map(record);
    const partitions = [2, 0, 2, 1, 0, 2];
    const appended = positionProducedRecords(
      records,
      partitions,
      [
        { partition: 0, baseOffset: "40", logAppendTime: "1748779205100" },
        { partition: 2, baseOffset: "7", logAppendTime: "1748779205103" },
        { partition: 1, baseOffset: "0", logAppendTime: "1748779205101" },
      ],
      createTime,
    );
    expect(appended.map((entry) => entry.position)).toEqual([
      { partition: 2, offset: 7 },
      { partition: 0, offset: 40 },
      { partition: 2, offset: 8 },
      { partition: 1, offset: 0 },
      { partition: 0, offset: 41 },
      { partition: 2, offset: 9 },
    ]);
    expect(appended.map((entry) => entry.ingestedAt.getTime())).toEqual([
      1748779205103, 1748779205100, 1748779205103, 1748779205101, 1748779205100, 1748779205103,
    ]);
    appended.forEach((entry, index) => {
      expect(entry).toMatchObject(records[index] as LogRecord);
    });
  });

  it("falls back to the record's create time on a CreateTime topic (log append time -1)", () => {
    const [appended] = positionProducedRecords(
      [record(0)],
      [3],
      [{ partition: 3, baseOffset: "5", logAppendTime: "-1" }],
      createTime,
    );
    expect(appended?.ingestedAt).toEqual(createTime);
    expect(appended?.position).toEqual({ partition: 3, offset: 5 });
  });

  it.each([
    ["a partition missing from the response", [{ partition: 1, baseOffset: "0" }]],
    [
      "a partition listed twice",
      [
        { partition: 0, baseOffset: "0" },
        { partition: 0, baseOffset: "3" },
      ],
    ],
    ["no base offset", [{ partition: 0 }]],
    ["a base offset of -1 (acks=0)", [{ partition: 0, baseOffset: "-1" }]],
    ["an offset beyond 2^53", [{ partition: 0, baseOffset: "9007199254740993" }]],
  ])("refuses %s", (_, response) => {
    expect(() => positionProducedRecords([record(0)], [0], response, createTime)).toThrow(KafkaLogError);
  });
});
