import type { AppendedRecord } from "@meterline/core";
import { expect } from "vitest";

/** Records of one partition, each strictly after the one before it. */
export function expectStrictlyIncreasing(records: readonly AppendedRecord[]): void {
  for (let index = 1; index < records.length; index++) {
    const previous = records[index - 1] as AppendedRecord;
    const current = records[index] as AppendedRecord;
    expect(current.position.partition).toBe(previous.position.partition);
    expect(current.position.offset, `position ${index} must be after position ${index - 1}`).toBeGreaterThan(
      previous.position.offset,
    );
  }
}
