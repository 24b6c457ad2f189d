import { randomUUID } from "node:crypto";
import type { LogRecord } from "@meterline/core";

/** A user usage record for `organizationId`, with a fresh id and no idempotency key unless given. */
export function makeLogRecord(overrides: Partial<LogRecord> & Pick<LogRecord, "organizationId">): LogRecord {
  return {
    id: randomUUID(),
    name: "api.call",
    source: "user",
    timestamp: new Date("2025-06-01T12:00:00.000Z"),
    customerId: null,
    externalCustomerId: "customer-1",
    externalId: null,
    metadata: {},
    ...overrides,
  };
}
