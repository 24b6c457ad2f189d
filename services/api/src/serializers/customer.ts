import { createHash } from "node:crypto";
import { formatDateTime } from "@meterline/api-schema";
import type { Customer } from "@meterline/core";

/** Polar shows a Gravatar derived from the email (404 when the person has none). */
function avatarUrl(email: string): string {
  const hash = createHash("sha256").update(email.trim().toLowerCase()).digest("hex");
  return `https://www.gravatar.com/avatar/${hash}?d=404`;
}

export function serializeCustomer(customer: Customer) {
  return {
    id: customer.id,
    created_at: formatDateTime(customer.createdAt),
    modified_at: customer.modifiedAt === null ? null : formatDateTime(customer.modifiedAt),
    metadata: customer.metadata,
    external_id: customer.externalId,
    email: customer.email,
    email_verified: customer.emailVerified,
    name: customer.name,
    billing_address:
      customer.billingAddress === null
        ? null
        : {
            line1: customer.billingAddress.line1,
            line2: customer.billingAddress.line2,
            postal_code: customer.billingAddress.postalCode,
            city: customer.billingAddress.city,
            state: customer.billingAddress.state,
            country: customer.billingAddress.country,
          },
    tax_id: customer.taxId,
    organization_id: customer.organizationId,
    deleted_at: customer.deletedAt === null ? null : formatDateTime(customer.deletedAt),
    avatar_url: avatarUrl(customer.email),
  };
}
