import type { ApiDeps } from "@meterline/api";
import type { PaymentProvider } from "@meterline/core";

/** The billing engine's dependencies: the API's (repositories, log, store, jobs, clock, ids) and payments. */
export interface BillingDeps extends ApiDeps {
  payments: PaymentProvider;
  /** How long a cycle waits for the materializer to store the records it appended (default 60 s). */
  materializeTimeoutMs?: number;
}
