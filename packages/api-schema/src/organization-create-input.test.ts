import { describe, expect, it } from "vitest";
import { OrganizationCreateInput } from "./organization-create-input.js";
import { OrganizationUpdateInput } from "./organization-update-input.js";
import { parseInput } from "./parse-input.js";

describe("OrganizationCreateInput", () => {
  it("parses a minimal body", () => {
    expect(parseInput(OrganizationCreateInput, { name: "Acme", slug: "Acme-1" }, ["body"])).toEqual({
      ok: true,
      value: {
        name: "Acme",
        slug: "acme-1",
        avatarUrl: null,
        email: null,
        website: null,
        socials: [],
        details: null,
        featureSettings: null,
        subscriptionSettings: null,
      },
    });
  });

  it("restricts the slug to ASCII letters, digits and hyphens, at least 3", () => {
    expect(parseInput(OrganizationCreateInput, { name: "Acme", slug: "ac" }, ["body"])).toMatchObject({
      ok: false,
      detail: [{ type: "string_too_short", loc: ["body", "slug"] }],
    });
    expect(parseInput(OrganizationCreateInput, { name: "Acme", slug: "acmé inc" }, ["body"])).toMatchObject({
      ok: false,
      detail: [{ type: "string_pattern_mismatch", loc: ["body", "slug"] }],
    });
  });

  it("parses settings, socials and details with their defaults", () => {
    const body = {
      name: "Acme",
      slug: "acme",
      website: "https://acme.example",
      socials: [{ platform: "github", url: "https://github.com/acme" }],
      feature_settings: { usage_based_billing_enabled: true },
      subscription_settings: {
        allow_multiple_subscriptions: false,
        allow_customer_updates: true,
        proration_behavior: "invoice",
      },
      details: {
        about: "a",
        product_description: "b",
        intended_use: "c",
        customer_acquisition: ["word_of_mouth"],
        future_annual_revenue: 1000,
      },
    };
    expect(parseInput(OrganizationCreateInput, body, ["body"])).toMatchObject({
      ok: true,
      value: {
        website: "https://acme.example/",
        socials: [{ platform: "github", url: "https://github.com/acme" }],
        featureSettings: { issueFundingEnabled: false, usageBasedBillingEnabled: true },
        subscriptionSettings: {
          allowMultipleSubscriptions: false,
          allowCustomerUpdates: true,
          prorationBehavior: "invoice",
        },
        details: { switching: true, switchingFrom: null, previousAnnualRevenue: 0, futureAnnualRevenue: 1000 },
      },
    });
  });

  it("reports nested errors with their full location", () => {
    const body = {
      name: "Acme",
      slug: "acme",
      website: "ftp://acme.example",
      socials: [{ platform: "myspace", url: "https://x" }],
      subscription_settings: { allow_multiple_subscriptions: "maybe" },
    };
    expect(parseInput(OrganizationCreateInput, body, ["body"])).toMatchObject({
      ok: false,
      detail: [
        { type: "url_scheme", loc: ["body", "website"], msg: "URL scheme should be 'http' or 'https'" },
        { type: "enum", loc: ["body", "socials", 0, "platform"] },
        { type: "bool_parsing", loc: ["body", "subscription_settings", "allow_multiple_subscriptions"] },
        { type: "missing", loc: ["body", "subscription_settings", "allow_customer_updates"] },
        { type: "missing", loc: ["body", "subscription_settings", "proration_behavior"] },
      ],
    });
  });
});

describe("OrganizationUpdateInput", () => {
  it("records present keys in camelCase", () => {
    expect(
      parseInput(OrganizationUpdateInput, { avatar_url: null, name: "Acme 2", slug: "ignored" }, ["body"]),
    ).toEqual({
      ok: true,
      value: { name: "Acme 2", avatarUrl: null, presentKeys: ["name", "avatarUrl"] },
    });
  });
});
