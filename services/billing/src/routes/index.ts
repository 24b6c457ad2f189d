import type { RouteDefinition } from "@meterline/api";
import type { SandboxClock } from "@meterline/core";
import type { BillingDeps } from "../engine/billing-deps.js";

export interface BillingRouteOptions {
  /** Present only in sandbox mode: `POST /v1/sandbox/clock` exists only then. */
  sandbox?: SandboxClock;
}

/** Every billing route: catalog, subscriptions, orders, discounts (and the sandbox clock in sandbox mode). */
export function billingRoutes(_deps: BillingDeps, _options: BillingRouteOptions = {}): RouteDefinition[] {
  return [];
}
