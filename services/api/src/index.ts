export * from "./admin/bootstrap.js";
export * from "./admin/organizations.js";
export * from "./app.js";
export * from "./auth/access-token.js";
export * from "./auth/authenticator.js";
export * from "./deps.js";
export * from "./http/route.js";
export * from "./http/validation-failure.js";
export * from "./presenters/billing-presenters.js";
export * from "./routes/customer-meters.js";
export * from "./routes/customers.js";
export * from "./routes/events.js";
export * from "./routes/meters.js";
export * from "./routes/organization-access-tokens.js";
export * from "./routes/organizations.js";
export * from "./routes/shared.js";
export * from "./serializers/billing.js";
export * from "./serializers/catalog.js";
export * from "./serializers/customer.js";
export * from "./serializers/organization.js";
export * from "./webhooks/webhook-url-policy.js";

import type { ApiDeps } from "./deps.js";
import type { RouteDefinition } from "./http/route.js";
import { customerMeterRoutes } from "./routes/customer-meters.js";
import { customerRoutes } from "./routes/customers.js";
import { eventRoutes } from "./routes/events.js";
import { meterRoutes } from "./routes/meters.js";
import { organizationAccessTokenRoutes } from "./routes/organization-access-tokens.js";
import { organizationRoutes } from "./routes/organizations.js";
import { webhookRoutes } from "./routes/webhooks.js";

/** Every route the API service serves (ingest lives in its own service). */
export function apiRoutes(deps: ApiDeps): RouteDefinition[] {
  return [
    ...organizationRoutes(deps),
    ...organizationAccessTokenRoutes(deps),
    ...customerRoutes(deps),
    ...eventRoutes(deps),
    ...meterRoutes(deps),
    ...customerMeterRoutes(deps),
    ...webhookRoutes(deps),
  ];
}
