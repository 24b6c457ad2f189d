/** Polar's public scopes (spec api-conventions §3.4), plus the ones for Meterline's token endpoint. */
export const SCOPES = [
  "openid",
  "profile",
  "email",
  "user:read",
  "organizations:read",
  "organizations:write",
  "organization_access_tokens:read",
  "organization_access_tokens:write",
  "custom_fields:read",
  "custom_fields:write",
  "discounts:read",
  "discounts:write",
  "checkout_links:read",
  "checkout_links:write",
  "checkouts:read",
  "checkouts:write",
  "transactions:read",
  "transactions:write",
  "payouts:read",
  "payouts:write",
  "products:read",
  "products:write",
  "benefits:read",
  "benefits:write",
  "events:read",
  "events:write",
  "meters:read",
  "meters:write",
  "files:read",
  "files:write",
  "subscriptions:read",
  "subscriptions:write",
  "customers:read",
  "customers:write",
  "customer_meters:read",
  "customer_sessions:write",
  "orders:read",
  "orders:write",
  "refunds:read",
  "refunds:write",
  "payments:read",
  "metrics:read",
  "webhooks:read",
  "webhooks:write",
  "external_organizations:read",
  "license_keys:read",
  "license_keys:write",
  "repositories:read",
  "repositories:write",
  "issues:read",
  "issues:write",
  "customer_portal:read",
  "customer_portal:write",
  "notifications:read",
  "notifications:write",
  "notification_recipients:read",
  "notification_recipients:write",
] as const;
export type Scope = (typeof SCOPES)[number];

export function isScope(value: string): value is Scope {
  return (SCOPES as readonly string[]).includes(value);
}

/** Who is calling: an organization (organization access token) or a user (personal access token). */
export type AuthSubject =
  | {
      type: "organization";
      tokenId: string;
      organizationId: string;
      organizationIds: string[];
      scopes: ReadonlySet<string>;
    }
  | { type: "user"; tokenId: string; userId: string; organizationIds: string[]; scopes: ReadonlySet<string> };
