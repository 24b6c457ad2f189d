import type { JobStatus } from "@meterline/core";

/**
 * The port's status for a BullMQ job state. Delayed (not yet due, or waiting for its retry) and
 * prioritized are all "waiting" to the port; `unknown` (the job vanished between two reads)
 * yields null.
 */
export function jobStatus(state: string): JobStatus | null {
  switch (state) {
    case "waiting":
    case "delayed":
    case "prioritized":
    case "waiting-children":
      return "waiting";
    case "active":
      return "active";
    case "completed":
      return "completed";
    case "failed":
      return "failed";
    default:
      return null;
  }
}
