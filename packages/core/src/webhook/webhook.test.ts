import { describe, expect, it } from "vitest";
import { ORGANIZATION_LANE, WEBHOOK_MAX_ATTEMPTS, webhookLane, webhookRetryDelayMs } from "./webhook.js";

describe("webhookRetryDelayMs", () => {
  it("doubles from the base, with up to 25% added jitter", () => {
    expect([1, 2, 3, 10].map((retry) => webhookRetryDelayMs(retry, 4000, 0))).toEqual([4000, 8000, 16000, 2048000]);
    expect(webhookRetryDelayMs(1, 4000, 0.999999)).toBe(5000);
    expect(webhookRetryDelayMs(3, 4000, 0.5)).toBe(18000);
  });

  it("spreads the ten retries over more than an hour with the default base, whatever the jitter", () => {
    const retries = Array.from({ length: WEBHOOK_MAX_ATTEMPTS - 1 }, (_, index) => index + 1);
    const shortest = retries.reduce((sum, retry) => sum + webhookRetryDelayMs(retry, 4000, 0), 0);
    const longest = retries.reduce((sum, retry) => sum + webhookRetryDelayMs(retry, 4000, 0.999999), 0);
    expect(shortest).toBe(4_092_000);
    expect(shortest).toBeGreaterThan(60 * 60_000);
    expect(longest).toBeLessThanOrEqual(5_115_000);
  });

  it("clamps a random source outside [0, 1)", () => {
    expect(webhookRetryDelayMs(1, 1000, -1)).toBe(1000);
    expect(webhookRetryDelayMs(1, 1000, 7)).toBe(1250);
  });
});

describe("webhookLane", () => {
  const customerId = "8e2b6c44-1c1c-4a4a-9d9d-0a0a0a0a0a0a";

  it("is the customer of customer-bound announcements", () => {
    expect(webhookLane("customer.created", { id: customerId })).toBe(customerId);
    expect(webhookLane("customer.state_changed", { id: customerId })).toBe(customerId);
    expect(webhookLane("subscription.updated", { id: "s", customer_id: customerId })).toBe(customerId);
    expect(webhookLane("order.paid", { id: "o", customer_id: customerId })).toBe(customerId);
    expect(webhookLane("benefit_grant.created", { id: "g", customer_id: customerId })).toBe(customerId);
  });

  it("is the organization's for catalog and organization announcements, and for odd data", () => {
    expect(webhookLane("product.created", { id: "p", organization_id: "o" })).toBe(ORGANIZATION_LANE);
    expect(webhookLane("organization.updated", { id: "o" })).toBe(ORGANIZATION_LANE);
    expect(webhookLane("order.created", null)).toBe(ORGANIZATION_LANE);
    expect(webhookLane("order.created", { customer_id: 42 })).toBe(ORGANIZATION_LANE);
  });
});
