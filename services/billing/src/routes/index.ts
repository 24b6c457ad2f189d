import type { RouteDefinition } from "@meterline/api";
import type { SandboxClock } from "@meterline/core";
import type { BillingDeps } from "../engine/billing-deps.js";
import { benefitRoutes } from "./benefits.js";
import { discountRoutes } from "./discounts.js";
import { orderRoutes } from "./orders.js";
import { productRoutes } from "./products.js";
import { sandboxClockRoutes } from "./sandbox-clock.js";
import { subscriptionRoutes } from "./subscriptions.js";

export interface BillingRouteOptions {
  /** Present only in sandbox mode: `POST /v1/sandbox/clock` exists only then. */
  sandbox?: SandboxClock;
}

/** Every billing route: catalog, subscriptions, orders, discounts (and the sandbox clock in sandbox mode). */
export function billingRoutes(deps: BillingDeps, options: BillingRouteOptions = {}): RouteDefinition[] {
  return [
    ...productRoutes(deps),
    ...benefitRoutes(deps),
    ...discountRoutes(deps),
    ...subscriptionRoutes(deps),
    ...orderRoutes(deps),
    ...(options.sandbox === undefined ? [] : sandboxClockRoutes(deps, options.sandbox)),
  ];
}
