import { describe, expect, it } from "vitest";
import { JobQueueKeys } from "./job-queue-keys.js";

const keys = new JobQueueKeys("meterline", "jobs");

describe("JobQueueKeys", () => {
  it("turns any id into a BullMQ job id: no colon, never an integer", () => {
    for (const id of ["cycle:sub_1:2025-06", "42", "0", "-1", "a b/c?d", "ü🚀", ""]) {
      const jobId = keys.jobId(id);
      expect(jobId).not.toContain(":");
      expect(`${Number.parseInt(jobId, 10)}`).not.toBe(jobId);
    }
  });

  it("keeps distinct ids distinct, and enqueued jobs apart from repeat occurrences", () => {
    const ids = ["a:b", "a%3Ab", "a|1|1", "a", "A"];
    const jobIds = ids.map((id) => keys.jobId(id));
    const occurrences = ids.map((id) => keys.occurrenceId(id, 1, 1));
    expect(new Set([...jobIds, ...occurrences]).size).toBe(ids.length * 2);
    expect(keys.occurrenceId("a", 1, 11)).not.toBe(keys.occurrenceId("a", 11, 1));
  });

  it("names one BullMQ queue per job name, none of which can share a key with ours", () => {
    expect(keys.bullQueue("billing.cycleSubscription")).toBe("jobs.billing.cycleSubscription");
    expect(keys.bullQueue("a:b")).not.toContain(":");
    expect(keys.idClaim("x").startsWith(`meterline:jobs:`)).toBe(true);
    expect(`meterline:${keys.bullQueue("x")}:`.startsWith("meterline:jobs:")).toBe(false);
  });

  it("rejects a prefix or queue name BullMQ could not use", () => {
    expect(() => new JobQueueKeys("a:b", "jobs")).toThrow(RangeError);
    expect(() => new JobQueueKeys("meterline", "")).toThrow(RangeError);
  });
});
