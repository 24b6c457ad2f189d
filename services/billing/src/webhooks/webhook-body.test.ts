import { WEBHOOK_EVENT_TYPES, type WebhookEventType, type WebhookFormat } from "@meterline/core";
import { describe, expect, it } from "vitest";
import { renderWebhookBody } from "./webhook-body.js";

interface DiscordBody {
  content: string;
  embeds: { title: string; description: string; fields: { name: string; value: string }[]; footer: { text: string } }[];
  allowed_mentions: { parse: string[] };
}

interface SlackBody {
  text: string;
  blocks: [{ type: string; text: { type: string; text: string }; fields: { type: string; text: string }[] }, unknown];
}

function discord(type: WebhookEventType, data: unknown): DiscordBody {
  const body = renderWebhookBody("discord", type, data);
  if (body === null) throw new Error(`${type} was not announced on Discord`);
  return JSON.parse(body) as DiscordBody;
}

function slack(type: WebhookEventType, data: unknown): SlackBody {
  const body = renderWebhookBody("slack", type, data);
  if (body === null) throw new Error(`${type} was not announced on Slack`);
  return JSON.parse(body) as SlackBody;
}

function discordFields(body: DiscordBody): Record<string, string> {
  return Object.fromEntries(body.embeds[0]!.fields.map((field) => [field.name, field.value]));
}

/** Slack fields read back as `{ Name: value }` from their `*Name*\nvalue` mrkdwn. */
function slackFields(body: SlackBody): Record<string, string> {
  return Object.fromEntries(
    body.blocks[0].fields.map((field) => {
      const match = /^\*(.*)\*\n([\s\S]*)$/.exec(field.text);
      if (match === null) throw new Error(`unexpected Slack field ${field.text}`);
      return [match[1], match[2]];
    }),
  );
}

const order = {
  id: "ord_1",
  status: "paid",
  net_amount: 1250,
  total_amount: 1500,
  refunded_amount: 0,
  currency: "usd",
  customer: { id: "cus_1", email: "ada@example.com" },
  product: { id: "prod_1", name: "API Pro" },
  subscription_id: null,
  subscription: null,
};

const subscription = {
  id: "sub_1",
  status: "active",
  amount: 1250,
  currency: "usd",
  recurring_interval: "month",
  ends_at: null,
  ended_at: null,
  customer: { id: "cus_1", email: "ada@example.com" },
  product: { id: "prod_1", name: "API Pro" },
};

const refund = { id: "re_1", status: "succeeded", amount: 500, currency: "usd", order_id: "ord_1" };

const DETAILED: WebhookEventType[] = [
  "order.created",
  "order.updated",
  "order.paid",
  "order.refunded",
  "subscription.created",
  "subscription.updated",
  "subscription.active",
  "subscription.canceled",
  "subscription.uncanceled",
  "subscription.revoked",
  "refund.created",
  "refund.updated",
];
const GENERIC = WEBHOOK_EVENT_TYPES.filter((type) => !DETAILED.includes(type));
const CHAT_FORMATS: WebhookFormat[] = ["discord", "slack"];

describe("raw", () => {
  it("is the compact {type, data} JSON, type first", () => {
    expect(renderWebhookBody("raw", "order.created", { id: "ord_1", net_amount: 1250 })).toBe(
      '{"type":"order.created","data":{"id":"ord_1","net_amount":1250}}',
    );
  });

  it.each(WEBHOOK_EVENT_TYPES)("is sent for %s, even a renewal Discord and Slack skip", (type) => {
    expect(JSON.parse(renderWebhookBody("raw", type, subscription)!)).toEqual({ type, data: subscription });
  });

  it("keeps the data key when data is missing", () => {
    expect(renderWebhookBody("raw", "customer.deleted", undefined)).toBe('{"type":"customer.deleted","data":null}');
  });
});

describe("orders", () => {
  it.each([
    ["order.created", "New order"],
    ["order.updated", "Order updated"],
    ["order.paid", "Order paid"],
  ] as const)("%s shows product, net amount and customer email", (type, title) => {
    const onDiscord = discord(type, order);
    expect(onDiscord.content).toBe(title);
    expect(onDiscord.embeds[0]!.title).toBe(title);
    expect(discordFields(onDiscord)).toEqual({ Product: "API Pro", Amount: "$12.50", Customer: "ada@example.com" });

    const onSlack = slack(type, order);
    expect(onSlack.text).toBe(title);
    expect(onSlack.blocks[0].text.text.startsWith(`*${title}*\n`)).toBe(true);
    expect(slackFields(onSlack)).toEqual({ Product: "API Pro", Amount: "$12.50", Customer: "ada@example.com" });
  });

  it("marks an order that belongs to a subscription", () => {
    const renewal = { ...order, subscription_id: "sub_1" };
    expect(discordFields(discord("order.paid", renewal)).Subscription).toBe("Yes");
    expect(slackFields(slack("order.paid", renewal)).Subscription).toBe("Yes");
  });

  it("order.refunded shows the refunded amount and whether the refund is full", () => {
    const full = { ...order, status: "refunded", refunded_amount: 1250 };
    expect(discord("order.refunded", full).embeds[0]!.title).toBe("Order refunded");
    expect(discordFields(discord("order.refunded", full))).toEqual({
      Product: "API Pro",
      Refunded: "$12.50",
      Customer: "ada@example.com",
      "Fully refunded": "Yes",
    });
    const partial = { ...order, status: "partially_refunded", refunded_amount: 500 };
    expect(slackFields(slack("order.refunded", partial))).toEqual({
      Product: "API Pro",
      Refunded: "$5.00",
      Customer: "ada@example.com",
    });
  });

  it("formats the amount in the order's currency and its minor unit", () => {
    expect(discordFields(discord("order.paid", { ...order, currency: "eur", net_amount: 123456 })).Amount).toBe(
      "€1,234.56",
    );
    expect(discordFields(discord("order.paid", { ...order, currency: "jpy", net_amount: 1250 })).Amount).toBe("¥1,250");
    expect(discordFields(discord("order.paid", { ...order, net_amount: 5 })).Amount).toBe("$0.05");
  });
});

describe("subscriptions", () => {
  it("subscription.created shows product, amount per interval and customer email", () => {
    const expected = { Product: "API Pro", Amount: "$12.50/month", Customer: "ada@example.com" };
    expect(discord("subscription.created", subscription).content).toBe("New subscription");
    expect(discordFields(discord("subscription.created", subscription))).toEqual(expected);
    expect(slack("subscription.created", subscription).text).toBe("New subscription");
    expect(slackFields(slack("subscription.created", subscription))).toEqual(expected);
  });

  it.each([
    ["subscription.active", "Subscription active", "active"],
    ["subscription.uncanceled", "Subscription uncanceled", "active"],
    ["subscription.revoked", "Subscription revoked", "canceled"],
  ] as const)("%s shows the subscription and its status", (type, title, status) => {
    const data = { ...subscription, status, recurring_interval: "year", amount: 12000 };
    const expected = { Product: "API Pro", Amount: "$120.00/year", Customer: "ada@example.com", Status: status };
    expect(discord(type, data).embeds[0]!.title).toBe(title);
    expect(discordFields(discord(type, data))).toEqual(expected);
    expect(slack(type, data).text).toBe(title);
    expect(slackFields(slack(type, data))).toEqual(expected);
  });

  it("subscription.canceled adds the UTC date access ends", () => {
    const data = { ...subscription, ends_at: "2025-07-01T00:30:00Z" };
    expect(discord("subscription.canceled", data).content).toBe("Subscription canceled");
    expect(discordFields(discord("subscription.canceled", data)).Ends).toBe("Jul 1, 2025");
    expect(slackFields(slack("subscription.canceled", data)).Ends).toBe("Jul 1, 2025");
    const ended = { ...subscription, status: "canceled", ended_at: "2024-02-29T23:59:59Z" };
    expect(discordFields(discord("subscription.canceled", ended)).Ends).toBe("Feb 29, 2024");
  });

  it("a free subscription reads Free", () => {
    expect(discordFields(discord("subscription.created", { ...subscription, amount: null })).Amount).toBe("Free");
  });

  describe("subscription.updated", () => {
    it.each(CHAT_FORMATS)("is not announced on %s for a renewal or any other plain change", (format) => {
      expect(renderWebhookBody(format, "subscription.updated", subscription)).toBeNull();
      expect(renderWebhookBody(format, "subscription.updated", { ...subscription, status: "trialing" })).toBeNull();
    });

    it("is announced as a cancellation once an end is scheduled", () => {
      const data = { ...subscription, ends_at: "2025-08-15T12:00:00Z" };
      expect(discord("subscription.updated", data).content).toBe("Subscription canceled");
      expect(slackFields(slack("subscription.updated", data)).Ends).toBe("Aug 15, 2025");
    });

    it.each(["past_due", "canceled", "unpaid"])("is announced as a revocation when the status is %s", (status) => {
      const data = { ...subscription, status };
      expect(discord("subscription.updated", data).content).toBe("Subscription revoked");
      expect(slack("subscription.updated", data).text).toBe("Subscription revoked");
      expect(slackFields(slack("subscription.updated", data)).Status).toBe(status);
    });
  });
});

describe("refunds", () => {
  it.each([
    ["refund.created", "Refund created"],
    ["refund.updated", "Refund updated"],
  ] as const)("%s shows amount and status", (type, title) => {
    expect(discord(type, refund).content).toBe(title);
    expect(discordFields(discord(type, refund))).toEqual({ Amount: "$5.00", Status: "succeeded" });
    expect(slack(type, refund).text).toBe(title);
    expect(slackFields(slack(type, refund))).toEqual({ Amount: "$5.00", Status: "succeeded" });
  });
});

describe("other events", () => {
  it("are the 15 types without a detailed message", () => {
    expect(GENERIC).toHaveLength(15);
  });

  it.each(GENERIC)("%s is announced generically with the event name and object id", (type) => {
    const onDiscord = discord(type, { id: "obj_1" });
    expect(onDiscord.content).toBe(type);
    expect(onDiscord.embeds[0]!.title).toBe(type);
    expect(discordFields(onDiscord)).toEqual({ Object: "obj_1" });
    const onSlack = slack(type, { id: "obj_1" });
    expect(onSlack.text).toBe(type);
    expect(slackFields(onSlack)).toEqual({ Object: "obj_1" });
  });
});

describe("defensive rendering", () => {
  const junk: unknown[] = [{}, null, undefined, "order", 42, [], { product: "x", customer: [], currency: 3 }];

  it.each(CHAT_FORMATS)("%s never throws on malformed data and always yields JSON or null", (format) => {
    for (const type of WEBHOOK_EVENT_TYPES) {
      for (const data of junk) {
        const body = renderWebhookBody(format, type, data);
        if (body !== null) expect(() => JSON.parse(body)).not.toThrow();
      }
    }
  });

  it("falls back to readable text when fields are missing", () => {
    expect(discordFields(discord("order.created", {}))).toEqual({
      Product: "Unknown product",
      Amount: "Unknown amount",
      Customer: "Unknown customer",
    });
    expect(slackFields(slack("subscription.canceled", null))).toEqual({
      Product: "Unknown product",
      Amount: "Unknown amount",
      Customer: "Unknown customer",
      Status: "Unknown",
      Ends: "Unknown",
    });
    expect(discordFields(discord("checkout.created", null))).toEqual({ Object: "Unknown" });
  });

  it("rejects amounts that are not integer minor units and malformed currencies", () => {
    expect(discordFields(discord("order.paid", { ...order, net_amount: 12.5 })).Amount).toBe("Unknown amount");
    expect(discordFields(discord("order.paid", { ...order, net_amount: "1250" })).Amount).toBe("Unknown amount");
    expect(discordFields(discord("order.paid", { ...order, currency: "dollars" })).Amount).toBe("Unknown amount");
  });

  it("uses the deprecated user email when customer is absent", () => {
    const legacy = { ...subscription, customer: undefined, user: { email: "old@example.com" } };
    expect(discordFields(discord("subscription.active", legacy)).Customer).toBe("old@example.com");
  });
});

describe("chat safety and size limits", () => {
  const longName = `${"Ω".repeat(3000)}😀${"x".repeat(7000)}`;
  const longEmail = `${"a".repeat(5000)}@example.com`;
  const huge = { ...order, product: { name: longName }, customer: { email: longEmail } };

  it("keeps Discord within content, title, description, field and total embed limits", () => {
    const body = discord("order.refunded", { ...huge, status: "refunded" });
    const embed = body.embeds[0]!;
    expect(body.content.length).toBeLessThanOrEqual(2000);
    expect(embed.title.length).toBeLessThanOrEqual(256);
    expect(embed.description.length).toBeLessThanOrEqual(4096);
    for (const field of embed.fields) {
      expect(field.name.length).toBeLessThanOrEqual(256);
      expect(field.value.length).toBeLessThanOrEqual(1024);
    }
    const total =
      embed.title.length +
      embed.description.length +
      embed.footer.text.length +
      embed.fields.reduce((sum, field) => sum + field.name.length + field.value.length, 0);
    expect(total).toBeLessThanOrEqual(6000);
    expect(discordFields(body).Product).toMatch(/^Ω+…$/);
    expect(discordFields(body).Product).toHaveLength(1024);
  });

  it("keeps Slack within section and field text limits", () => {
    const body = slack("subscription.canceled", { ...subscription, product: { name: longName } });
    expect(body.text.length).toBeLessThanOrEqual(3000);
    expect(body.blocks[0].text.text.length).toBeLessThanOrEqual(3000);
    for (const field of body.blocks[0].fields) expect(field.text.length).toBeLessThanOrEqual(2000);
    expect(slackFields(body).Product?.endsWith("…")).toBe(true);
  });

  it("never cuts a character in half", () => {
    const emojiName = "😀".repeat(2000);
    const value = discordFields(discord("order.paid", { ...order, product: { name: emojiName } })).Product!;
    expect(value.length).toBeLessThanOrEqual(1024);
    expect(value).toMatch(/^(😀)+…$/u);
  });

  it("escapes Slack control characters in user text, counting the escapes against the limit", () => {
    const data = { ...order, product: { name: "<!channel> & <https://evil.example|click>" } };
    expect(slackFields(slack("order.paid", data)).Product).toBe(
      "&lt;!channel&gt; &amp; &lt;https://evil.example|click&gt;",
    );
    const angled = slack("order.paid", { ...order, product: { name: "<".repeat(3000) } });
    const product = slackFields(angled).Product!;
    expect(`*Product*\n${product}`.length).toBeLessThanOrEqual(2000);
    expect(product).toMatch(/^(&lt;)+…$/);
  });

  it("tells Discord not to ping anyone named in user text", () => {
    const data = { ...order, customer: { email: "@everyone@example.com" } };
    expect(discord("order.paid", data).allowed_mentions).toEqual({ parse: [] });
  });
});
