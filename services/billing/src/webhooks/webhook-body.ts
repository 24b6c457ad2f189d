/**
 * The body sent to a webhook endpoint, by endpoint format, following Polar
 * (polarsource/polar `server/polar/webhook/webhooks.py`, the 27-event version of mid-2025).
 *
 * - `raw`: `{"type","data"}` for every event.
 * - `discord` and `slack` announce the same events with the same facts:
 *   - in detail ("Full" in Polar's docs): `order.created|updated|paid` (product, amount from
 *     `net_amount`, customer email, whether it belongs to a subscription), `order.refunded`
 *     (refunded amount, and whether fully refunded), `subscription.created|active|canceled|
 *     uncanceled|revoked` (product, amount per interval, customer email, status; canceled adds
 *     the end date), `refund.created|updated` (amount, status);
 *   - `subscription.updated` only when it is a revocation (status past_due, canceled or unpaid)
 *     or a cancellation (`ends_at`/`ended_at` set). Any other update, renewals included, is not
 *     announced (`null`): Polar skips it because a channel message per renewal is noise;
 *   - every other event (checkout, customer, product, benefit, benefit grant, organization) as a
 *     generic message naming the event and the object id ("Basic" in Polar's docs): Polar's base
 *     payload class renders those rather than skipping them.
 * Amounts are integer minor units, shown as en-US currency (`1250` usd → `$12.50`). Text is
 * clipped to Discord's and Slack's size limits, since an over-long message is rejected whole.
 */
import type { WebhookEventType, WebhookFormat } from "@meterline/core";

interface ChatField {
  name: string;
  value: string;
}

/** What a chat message says, before it is shaped for Discord or Slack. */
interface ChatMessage {
  title: string;
  description: string;
  fields: ChatField[];
}

type WireObject = Record<string, unknown>;

/** The exact body string sent to an endpoint of `format`, or null when that format does not announce the event. */
export function renderWebhookBody(format: WebhookFormat, type: WebhookEventType, data: unknown): string | null {
  switch (format) {
    case "raw":
      return JSON.stringify({ type, data: data === undefined ? null : data });
    case "discord":
    case "slack": {
      const message = describeEvent(type, asObject(data));
      if (message === null) return null;
      return format === "discord" ? toDiscord(message) : toSlack(message);
    }
    default: {
      const unknownFormat: never = format;
      throw new Error(`Unknown webhook format ${String(unknownFormat)}`);
    }
  }
}

function describeEvent(type: WebhookEventType, data: WireObject): ChatMessage | null {
  switch (type) {
    case "order.created":
      return orderMessage(data, "New order", "A new order was placed.");
    case "order.updated":
      return orderMessage(data, "Order updated", "An order was updated.");
    case "order.paid":
      return orderMessage(data, "Order paid", "An order was paid.");
    case "order.refunded":
      return refundedOrderMessage(data);
    case "subscription.created":
      return {
        title: "New subscription",
        description: "A new subscription was started.",
        fields: subscriptionFields(data, { withStatus: false }),
      };
    case "subscription.active":
      return subscriptionMessage(data, "Subscription active", "A subscription is now active.");
    case "subscription.canceled":
      return canceledSubscriptionMessage(data);
    case "subscription.uncanceled":
      return subscriptionMessage(data, "Subscription uncanceled", "A canceled subscription was restored.");
    case "subscription.revoked":
      return revokedSubscriptionMessage(data);
    case "subscription.updated":
      if (REVOKED_STATUSES.has(String(data.status))) return revokedSubscriptionMessage(data);
      if (data.ends_at == null && data.ended_at == null) return null;
      return canceledSubscriptionMessage(data);
    case "refund.created":
      return refundMessage(data, "Refund created", "A refund was created.");
    case "refund.updated":
      return refundMessage(data, "Refund updated", "A refund was updated.");
    case "checkout.created":
    case "checkout.updated":
    case "customer.created":
    case "customer.updated":
    case "customer.deleted":
    case "customer.state_changed":
    case "product.created":
    case "product.updated":
    case "benefit.created":
    case "benefit.updated":
    case "benefit_grant.created":
    case "benefit_grant.cycled":
    case "benefit_grant.updated":
    case "benefit_grant.revoked":
    case "organization.updated":
      return {
        title: type,
        description: `A ${type} event occurred.`,
        fields: [{ name: "Object", value: readText(data, "id") ?? "Unknown" }],
      };
    default: {
      const unknownType: never = type;
      throw new Error(`Unknown webhook event type ${String(unknownType)}`);
    }
  }
}

/** Polar's `SubscriptionStatus.revoked_statuses()`: the customer has lost access. */
const REVOKED_STATUSES = new Set(["past_due", "canceled", "unpaid"]);

function orderMessage(order: WireObject, title: string, description: string): ChatMessage {
  const fields = [
    { name: "Product", value: productName(order) },
    { name: "Amount", value: formatMinorUnits(order.net_amount ?? order.amount, order.currency) ?? UNKNOWN_AMOUNT },
    { name: "Customer", value: customerEmail(order) },
  ];
  if (isSubscriptionOrder(order)) fields.push({ name: "Subscription", value: "Yes" });
  return { title, description, fields };
}

function refundedOrderMessage(order: WireObject): ChatMessage {
  const fields = [
    { name: "Product", value: productName(order) },
    { name: "Refunded", value: formatMinorUnits(order.refunded_amount, order.currency) ?? UNKNOWN_AMOUNT },
    { name: "Customer", value: customerEmail(order) },
  ];
  if (isSubscriptionOrder(order)) fields.push({ name: "Subscription", value: "Yes" });
  if (order.status === "refunded") fields.push({ name: "Fully refunded", value: "Yes" });
  return { title: "Order refunded", description: "An order was refunded.", fields };
}

function isSubscriptionOrder(order: WireObject): boolean {
  return order.subscription_id != null || order.subscription != null;
}

function subscriptionMessage(subscription: WireObject, title: string, description: string): ChatMessage {
  return { title, description, fields: subscriptionFields(subscription, { withStatus: true }) };
}

function canceledSubscriptionMessage(subscription: WireObject): ChatMessage {
  const endsAt = formatDate(subscription.ends_at) ?? formatDate(subscription.ended_at) ?? "Unknown";
  return {
    title: "Subscription canceled",
    description: "A subscription was canceled.",
    fields: [...subscriptionFields(subscription, { withStatus: true }), { name: "Ends", value: endsAt }],
  };
}

function revokedSubscriptionMessage(subscription: WireObject): ChatMessage {
  return subscriptionMessage(subscription, "Subscription revoked", "A subscription was revoked; access has ended.");
}

function subscriptionFields(subscription: WireObject, options: { withStatus: boolean }): ChatField[] {
  const fields = [
    { name: "Product", value: productName(subscription) },
    { name: "Amount", value: subscriptionAmount(subscription) },
    { name: "Customer", value: customerEmail(subscription) },
  ];
  if (options.withStatus) fields.push({ name: "Status", value: readText(subscription, "status") ?? "Unknown" });
  return fields;
}

/** Per recurring interval (`$12.50/month`); a null amount is a free subscription, as in Polar. */
function subscriptionAmount(subscription: WireObject): string {
  if (subscription.amount === null) return "Free";
  const amount = formatMinorUnits(subscription.amount, subscription.currency);
  if (amount === undefined) return UNKNOWN_AMOUNT;
  const interval = readText(subscription, "recurring_interval");
  return interval === undefined ? amount : `${amount}/${interval}`;
}

function refundMessage(refund: WireObject, title: string, description: string): ChatMessage {
  return {
    title,
    description,
    fields: [
      { name: "Amount", value: formatMinorUnits(refund.amount, refund.currency) ?? UNKNOWN_AMOUNT },
      { name: "Status", value: readText(refund, "status") ?? "Unknown" },
    ],
  };
}

const UNKNOWN_AMOUNT = "Unknown amount";

function productName(object: WireObject): string {
  return readText(asObject(object.product), "name") ?? "Unknown product";
}

/** `customer.email`, else the deprecated `user.email` that older payloads still carry. */
function customerEmail(object: WireObject): string {
  return readText(asObject(object.customer), "email") ?? readText(asObject(object.user), "email") ?? "Unknown customer";
}

function asObject(value: unknown): WireObject {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as WireObject) : {};
}

function readText(object: WireObject, key: string): string | undefined {
  const value = object[key];
  return typeof value === "string" && value.trim() !== "" ? value : undefined;
}

/**
 * Integer minor units as en-US currency text, scaled by the currency's own minor unit (cents for
 * USD, none for JPY). The decimal is built as a string so no binary fraction creeps in.
 */
function formatMinorUnits(amount: unknown, currency: unknown): string | undefined {
  if (typeof amount !== "number" || !Number.isSafeInteger(amount)) return undefined;
  if (typeof currency !== "string" || !/^[A-Za-z]{3}$/.test(currency)) return undefined;
  const format = new Intl.NumberFormat("en-US", { style: "currency", currency: currency.toUpperCase() });
  const fractionDigits = format.resolvedOptions().maximumFractionDigits ?? 2;
  const digits = Math.abs(amount)
    .toString()
    .padStart(fractionDigits + 1, "0");
  const whole = digits.slice(0, digits.length - fractionDigits);
  const fraction = digits.slice(digits.length - fractionDigits);
  const decimal = `${amount < 0 ? "-" : ""}${whole}${fraction === "" ? "" : `.${fraction}`}`;
  return format.format(decimal as `${number}`);
}

const DATE_FORMAT = new Intl.DateTimeFormat("en-US", { dateStyle: "medium", timeZone: "UTC" });

/** `Jul 1, 2025`: the wire timestamps are UTC, and Polar shows their UTC date. */
function formatDate(value: unknown): string | undefined {
  if (typeof value !== "string" && !(value instanceof Date)) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : DATE_FORMAT.format(date);
}

// Discord rejects a message past these (https://discord.com/developers/docs/resources/message#embed-object-embed-limits).
const DISCORD_CONTENT_MAX = 2000;
const DISCORD_TITLE_MAX = 256;
const DISCORD_DESCRIPTION_MAX = 4096;
const DISCORD_FIELD_NAME_MAX = 256;
const DISCORD_FIELD_VALUE_MAX = 1024;
const DISCORD_FIELDS_MAX = 25;

function toDiscord(message: ChatMessage): string {
  return JSON.stringify({
    content: clip(message.title, DISCORD_CONTENT_MAX),
    embeds: [
      {
        title: clip(message.title, DISCORD_TITLE_MAX),
        description: clip(message.description, DISCORD_DESCRIPTION_MAX),
        color: 0x0062ff,
        fields: message.fields.slice(0, DISCORD_FIELDS_MAX).map((field) => ({
          name: clip(field.name, DISCORD_FIELD_NAME_MAX),
          value: clip(field.value, DISCORD_FIELD_VALUE_MAX),
        })),
        footer: { text: "Meterline" },
      },
    ],
    // Product names and emails are user input; an "@everyone" in them must not ping a server.
    allowed_mentions: { parse: [] },
  });
}

// Slack's block limits (https://api.slack.com/reference/block-kit/blocks#section).
const SLACK_SECTION_TEXT_MAX = 3000;
const SLACK_FIELD_TEXT_MAX = 2000;
const SLACK_FIELDS_MAX = 10;

function toSlack(message: ChatMessage): string {
  const heading = `*${escapeSlack(message.title)}*\n`;
  return JSON.stringify({
    text: clip(message.title, SLACK_SECTION_TEXT_MAX, escapeSlack),
    blocks: [
      {
        type: "section",
        text: {
          type: "mrkdwn",
          text: heading + clip(message.description, SLACK_SECTION_TEXT_MAX - heading.length, escapeSlack),
        },
        fields: message.fields.slice(0, SLACK_FIELDS_MAX).map((field) => {
          const label = `*${clip(field.name, 100, escapeSlack)}*\n`;
          return { type: "mrkdwn", text: label + clip(field.value, SLACK_FIELD_TEXT_MAX - label.length, escapeSlack) };
        }),
      },
      { type: "context", elements: [{ type: "mrkdwn", text: "Sent by Meterline" }] },
    ],
  });
}

/** Slack reads `<`, `>` and `&` as link and entity syntax; user text must not produce either. */
function escapeSlack(character: string): string {
  if (character === "&") return "&amp;";
  if (character === "<") return "&lt;";
  if (character === ">") return "&gt;";
  return character;
}

const ELLIPSIS = "…";

/**
 * At most `max` UTF-16 units after `escapeCharacter`, cut on whole characters (never half a surrogate pair
 * or half an entity) and marked with an ellipsis when shortened.
 */
function clip(
  text: string,
  max: number,
  escapeCharacter: (character: string) => string = (character) => character,
): string {
  const characters = Array.from(text).map(escapeCharacter);
  const full = characters.join("");
  if (full.length <= max) return full;
  let kept = "";
  for (const character of characters) {
    if (kept.length + character.length + ELLIPSIS.length > max) break;
    kept += character;
  }
  return kept + ELLIPSIS;
}
