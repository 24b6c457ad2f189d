import { describe, expect, it } from "vitest";
import { jobStatus } from "./job-status.js";

describe("jobStatus", () => {
  it("maps BullMQ states to the port's", () => {
    expect(
      ["waiting", "delayed", "prioritized", "waiting-children", "active", "completed", "failed"].map(jobStatus),
    ).toEqual(["waiting", "waiting", "waiting", "waiting", "active", "completed", "failed"]);
  });

  it("has no status for a job that vanished", () => {
    expect(jobStatus("unknown")).toBeNull();
  });
});
