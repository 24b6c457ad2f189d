import { WebhookBenefitGrantCreatedPayload$inboundSchema } from "@polar-sh/sdk/models/components/webhookbenefitgrantcreatedpayload.js";
import { WebhookBenefitGrantCycledPayload$inboundSchema } from "@polar-sh/sdk/models/components/webhookbenefitgrantcycledpayload.js";
import { WebhookBenefitGrantRevokedPayload$inboundSchema } from "@polar-sh/sdk/models/components/webhookbenefitgrantrevokedpayload.js";
import { WebhookCustomerCreatedPayload$inboundSchema } from "@polar-sh/sdk/models/components/webhookcustomercreatedpayload.js";
import { WebhookCustomerDeletedPayload$inboundSchema } from "@polar-sh/sdk/models/components/webhookcustomerdeletedpayload.js";
import { WebhookCustomerStateChangedPayload$inboundSchema } from "@polar-sh/sdk/models/components/webhookcustomerstatechangedpayload.js";
import { WebhookCustomerUpdatedPayload$inboundSchema } from "@polar-sh/sdk/models/components/webhookcustomerupdatedpayload.js";
import { WebhookOrderCreatedPayload$inboundSchema } from "@polar-sh/sdk/models/components/webhookordercreatedpayload.js";
import { WebhookOrderPaidPayload$inboundSchema } from "@polar-sh/sdk/models/components/webhookorderpaidpayload.js";
import { WebhookOrganizationUpdatedPayload$inboundSchema } from "@polar-sh/sdk/models/components/webhookorganizationupdatedpayload.js";
import { WebhookSubscriptionActivePayload$inboundSchema } from "@polar-sh/sdk/models/components/webhooksubscriptionactivepayload.js";
import { WebhookSubscriptionCanceledPayload$inboundSchema } from "@polar-sh/sdk/models/components/webhooksubscriptioncanceledpayload.js";
import { WebhookSubscriptionCreatedPayload$inboundSchema } from "@polar-sh/sdk/models/components/webhooksubscriptioncreatedpayload.js";
import { WebhookSubscriptionRevokedPayload$inboundSchema } from "@polar-sh/sdk/models/components/webhooksubscriptionrevokedpayload.js";
import { WebhookSubscriptionUncanceledPayload$inboundSchema } from "@polar-sh/sdk/models/components/webhooksubscriptionuncanceledpayload.js";
import { WebhookSubscriptionUpdatedPayload$inboundSchema } from "@polar-sh/sdk/models/components/webhooksubscriptionupdatedpayload.js";
import type { Json } from "./api-client.js";
import { parseWithSdk } from "./parse-with-sdk.js";
import type { TestEngine } from "./test-engine.js";

/** The position of the organization's latest outbox record (0 when none), to read what follows it. */
export async function outboxMark(t: TestEngine): Promise<number> {
  const records = await t.deps.outbox.ofOrganization(t.organizationId);
  return records.at(-1)?.sequence ?? 0;
}

/**
 * The customer an outbox record is about: subscriptions, orders and benefit grants carry
 * `customer_id`; a customer and its state (`customer.*`) are the customer itself.
 */
export function customerOf(record: { type: string; data: unknown }): unknown {
  const data = record.data as Json;
  return record.type.startsWith("customer.") ? data?.id : data?.customer_id;
}

/**
 * The organization's outbox records after `since` (an `outboxMark`), in outbox order; only those
 * about `customerId` when given (stories run side by side in one organization).
 */
export async function outboxSince(
  t: TestEngine,
  since: number,
  customerId?: string,
): Promise<Array<{ type: string; data: Json }>> {
  const records = await t.deps.outbox.ofOrganization(t.organizationId);
  return records
    .filter((record) => record.sequence > since && (customerId === undefined || customerOf(record) === customerId))
    .map((record) => ({ type: record.type, data: record.data as Json }));
}

/** The SDK's payload schema of each type the tests read (SDK `validateEvent` picks it by `type`). */
const PAYLOAD_SCHEMAS: Record<string, { parse(value: unknown): unknown }> = {
  "customer.created": WebhookCustomerCreatedPayload$inboundSchema,
  "customer.updated": WebhookCustomerUpdatedPayload$inboundSchema,
  "customer.deleted": WebhookCustomerDeletedPayload$inboundSchema,
  "customer.state_changed": WebhookCustomerStateChangedPayload$inboundSchema,
  "organization.updated": WebhookOrganizationUpdatedPayload$inboundSchema,
  "subscription.created": WebhookSubscriptionCreatedPayload$inboundSchema,
  "subscription.updated": WebhookSubscriptionUpdatedPayload$inboundSchema,
  "subscription.active": WebhookSubscriptionActivePayload$inboundSchema,
  "subscription.canceled": WebhookSubscriptionCanceledPayload$inboundSchema,
  "subscription.uncanceled": WebhookSubscriptionUncanceledPayload$inboundSchema,
  "subscription.revoked": WebhookSubscriptionRevokedPayload$inboundSchema,
  "order.created": WebhookOrderCreatedPayload$inboundSchema,
  "order.paid": WebhookOrderPaidPayload$inboundSchema,
  "benefit_grant.created": WebhookBenefitGrantCreatedPayload$inboundSchema,
  "benefit_grant.cycled": WebhookBenefitGrantCycledPayload$inboundSchema,
  "benefit_grant.revoked": WebhookBenefitGrantRevokedPayload$inboundSchema,
};

/**
 * Parses a record's `{type, data}` the way a receiver's SDK does: a payload the SDK rejects
 * throws, which is a server bug. Returns the SDK's camelCase result.
 */
export function parseAnnouncement(record: { type: string; data: unknown }): Json {
  const schema = PAYLOAD_SCHEMAS[record.type];
  if (schema === undefined) throw new Error(`no SDK payload schema listed for ${record.type}`);
  return parseWithSdk(schema, { type: record.type, data: record.data });
}
