import type { LogRecord } from "@meterline/core";
import type { BillingDeps } from "./billing-deps.js";

/**
 * Deterministic external ids for the records billing appends: a retried step appends nothing new
 * (the log deduplicates per organization) and finds its record again by the same id.
 */
export const systemKeys = {
  reset: (subscriptionId: string, periodIndex: number, meterId: string) =>
    `meterline:reset:${subscriptionId}:${periodIndex}:${meterId}`,
  rollover: (subscriptionId: string, periodIndex: number, meterId: string) =>
    `meterline:rollover:${subscriptionId}:${periodIndex}:${meterId}`,
  credit: (grantId: string, periodIndex: number) => `meterline:credit:${grantId}:${periodIndex}`,
  revoke: (grantId: string) => `meterline:revoke:${grantId}`,
  /** A product change closes the old prices' windows (`change` = period and instant of the change). */
  changeReset: (subscriptionId: string, change: string, meterId: string) =>
    `meterline:change-reset:${subscriptionId}:${change}:${meterId}`,
  /** The credits left in a window a product change closed, carried into the next one. */
  changeCarry: (subscriptionId: string, change: string, meterId: string, rollover: boolean) =>
    `meterline:change-carry:${subscriptionId}:${change}:${meterId}:${rollover ? "rollover" : "plain"}`,
  benefitEvent: (name: string, grantId: string, periodIndex: number) => `meterline:${name}:${grantId}:${periodIndex}`,
};

export function systemRecord(
  deps: Pick<BillingDeps, "ids" | "clock">,
  record: {
    organizationId: string;
    customerId: string;
    name: string;
    metadata: Record<string, unknown>;
    externalId: string;
  },
): LogRecord {
  return {
    id: deps.ids.uuid(),
    organizationId: record.organizationId,
    name: record.name,
    source: "system",
    timestamp: deps.clock.now(),
    customerId: record.customerId,
    externalCustomerId: null,
    externalId: record.externalId,
    metadata: record.metadata,
  };
}
