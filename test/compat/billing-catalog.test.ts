import { randomUUID } from "node:crypto";
import type { Polar } from "@polar-sh/sdk";
import type { Benefit } from "@polar-sh/sdk/models/components/benefit.js";
import type { Customer } from "@polar-sh/sdk/models/components/customer.js";
import { type Discount, Discount$inboundSchema } from "@polar-sh/sdk/models/components/discount.js";
import type { Meter } from "@polar-sh/sdk/models/components/meter.js";
import type { Product } from "@polar-sh/sdk/models/components/product.js";
import { HTTPValidationError } from "@polar-sh/sdk/models/errors/httpvalidationerror.js";
import { ResourceNotFound } from "@polar-sh/sdk/models/errors/resourcenotfound.js";
import { SDKError } from "@polar-sh/sdk/models/errors/sdkerror.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collectPages, parseAsSdk, polarClient, rejection, requestWithoutSdk } from "./sdk.js";
import { ORGANIZATION_TOKEN, type RunningServer, startServer } from "./server.js";

let server: RunningServer;
let polar: Polar;
let organizationId: string;
let meter: Meter;

beforeAll(async () => {
  server = await startServer();
  polar = polarClient(server.url, ORGANIZATION_TOKEN);
  organizationId = (await polar.organizations.list({})).result.items[0]!.id;
  meter = await polar.meters.create({
    name: "API calls",
    filter: { conjunction: "and", clauses: [{ property: "name", operator: "eq", value: "api_call" }] },
    aggregation: { func: "count" },
  });
});

afterAll(async () => {
  await server?.stop();
});

const UUID4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** Products by role; created by the first tests, used by the rest of the file. */
const products: Record<"pro" | "setup" | "tipJar", Product> = {} as never;
/** Benefits by role; created in the benefits section. */
const benefits: Record<"credits" | "support", Benefit> = {} as never;

const namesOf = (items: ReadonlyArray<{ name: string }>) => items.map((item) => item.name);

describe("products", () => {
  it("create: a monthly product with a fixed and a metered price; static prices come first (201)", async () => {
    const pro = await polar.products.create({
      name: "Pro",
      description: "For teams",
      recurringInterval: "month",
      prices: [
        { amountType: "metered_unit", meterId: meter.id, unitAmount: 0.5, capAmount: 5000 },
        { amountType: "fixed", priceAmount: 2000 },
      ],
      metadata: { tier: "pro", seats: 5 },
    });
    expect(pro.id).toMatch(UUID4);
    expect(pro).toMatchObject({
      name: "Pro",
      description: "For teams",
      recurringInterval: "month",
      isRecurring: true,
      isArchived: false,
      organizationId,
      metadata: { tier: "pro", seats: 5 },
      modifiedAt: null,
      benefits: [],
      medias: [],
      attachedCustomFields: [],
    });
    expect(pro.createdAt).toBeInstanceOf(Date);
    expect(pro.prices).toHaveLength(2);
    expect(pro.prices[0]).toMatchObject({
      amountType: "fixed",
      priceAmount: 2000,
      priceCurrency: "usd",
      type: "recurring",
      recurringInterval: "month",
      isArchived: false,
      productId: pro.id,
    });
    expect(pro.prices[1]).toMatchObject({
      amountType: "metered_unit",
      // Polar's numeric(17,12) decimal string: compared as a number (spec billing §2.2).
      unitAmount: expect.stringMatching(/^0\.50*$/),
      capAmount: 5000,
      priceCurrency: "usd",
      meterId: meter.id,
      meter: { id: meter.id, name: "API calls" },
      type: "recurring",
      recurringInterval: "month",
      productId: pro.id,
    });
    products.pro = pro;
  });

  it("create: one-time products with a free price and a pay-what-you-want price", async () => {
    const setup = await polar.products.create({
      name: "Setup",
      recurringInterval: null,
      prices: [{ amountType: "free" }],
    });
    expect(setup).toMatchObject({
      name: "Setup",
      description: null,
      recurringInterval: null,
      isRecurring: false,
      metadata: {},
    });
    expect(setup.prices).toEqual([
      expect.objectContaining({ amountType: "free", type: "one_time", recurringInterval: null, productId: setup.id }),
    ]);
    products.setup = setup;

    const tipJar = await polar.products.create({
      name: "Tip jar",
      recurringInterval: null,
      prices: [{ amountType: "custom", minimumAmount: 500, maximumAmount: 10000, presetAmount: 1500 }],
      metadata: { tier: "community" },
    });
    expect(tipJar.prices).toEqual([
      expect.objectContaining({
        amountType: "custom",
        priceCurrency: "usd",
        minimumAmount: 500,
        maximumAmount: 10000,
        presetAmount: 1500,
        type: "one_time",
      }),
    ]);
    products.tipJar = tipJar;
  });

  it("get returns what create returned", async () => {
    for (const product of Object.values(products)) {
      expect(await polar.products.get({ id: product.id })).toEqual(product);
    }
  });

  it("get: unknown ids are ResourceNotFound; a malformed id is HTTPValidationError", async () => {
    const missing = await rejection(polar.products.get({ id: randomUUID() }), ResourceNotFound);
    expect(missing.detail).toBe("Not found");
    const malformed = await rejection(polar.products.get({ id: "not-a-uuid" }), HTTPValidationError);
    expect(malformed.detail?.[0]?.loc).toEqual(["path", "id"]);
  });

  it("list: newest first; filters by recurrence, text, id and organization; sorts; pages", async () => {
    const all = await polar.products.list({});
    expect(all.result.pagination).toEqual({ totalCount: 3, maxPage: 1 });
    expect(namesOf(all.result.items)).toEqual(["Tip jar", "Setup", "Pro"]);

    expect(namesOf((await polar.products.list({ isRecurring: true })).result.items)).toEqual(["Pro"]);
    expect(namesOf((await polar.products.list({ isRecurring: false, sorting: ["name"] })).result.items)).toEqual([
      "Setup",
      "Tip jar",
    ]);
    expect(namesOf((await polar.products.list({ query: "JAR" })).result.items)).toEqual(["Tip jar"]);
    expect(namesOf((await polar.products.list({ query: "teams" })).result.items)).toEqual(["Pro"]);
    const byIds = await polar.products.list({ id: [products.pro.id, products.setup.id], sorting: ["name"] });
    expect(namesOf(byIds.result.items)).toEqual(["Pro", "Setup"]);
    const byPrice = await polar.products.list({ isRecurring: false, sorting: ["-price_amount"] });
    expect(namesOf(byPrice.result.items)).toEqual(["Tip jar", "Setup"]);
    expect((await polar.products.list({ organizationId: randomUUID() })).result.pagination.totalCount).toBe(0);

    const { pageCount, items } = await collectPages(await polar.products.list({ limit: 2 }));
    expect(pageCount).toBe(2);
    expect(new Set(items.map((product) => product.id)).size).toBe(3);
  });

  it("update: name, description and metadata; {id} keeps a price, a new one replaces the fixed price", async () => {
    const [fixed, metered] = products.pro.prices;
    const updated = await polar.products.update({
      id: products.pro.id,
      productUpdate: {
        name: "Pro plan",
        description: null,
        metadata: { tier: "pro" },
        prices: [{ id: metered!.id }, { amountType: "fixed", priceAmount: 2500 }],
      },
    });
    expect(updated).toMatchObject({
      id: products.pro.id,
      name: "Pro plan",
      description: null,
      metadata: { tier: "pro" },
      recurringInterval: "month",
    });
    expect(updated.modifiedAt).toBeInstanceOf(Date);
    expect(updated.createdAt).toEqual(products.pro.createdAt);
    expect(updated.prices).toHaveLength(2);
    expect(updated.prices[0]).toMatchObject({ amountType: "fixed", priceAmount: 2500, isArchived: false });
    expect(updated.prices[0]?.id).not.toBe(fixed!.id);
    expect(updated.prices[1]).toEqual(metered);
    expect(await polar.products.get({ id: products.pro.id })).toEqual(updated);
    products.pro = updated;
  });

  it("update: the recurring interval cannot change (422), the same interval is accepted", async () => {
    const error = await rejection(
      polar.products.update({ id: products.pro.id, productUpdate: { recurringInterval: "year" } }),
      HTTPValidationError,
    );
    expect(error.detail).toEqual([
      expect.objectContaining({
        loc: ["body", "recurring_interval"],
        msg: "Recurring interval cannot be changed.",
        type: "value_error",
      }),
    ]);
    const same = await polar.products.update({ id: products.pro.id, productUpdate: { recurringInterval: "month" } });
    expect(same.recurringInterval).toBe("month");
    await rejection(polar.products.update({ id: randomUUID(), productUpdate: { name: "Ghost" } }), ResourceNotFound);
  });

  it("create: price rules are reported together at their indexes (422)", async () => {
    const error = await rejection(
      polar.products.create({
        name: "Broken",
        recurringInterval: null,
        prices: [
          { amountType: "metered_unit", meterId: meter.id, unitAmount: "1" },
          { amountType: "fixed", priceAmount: 1000 },
          { amountType: "free" },
        ],
      }),
      HTTPValidationError,
    );
    expect(error.detail?.map((issue) => [issue.loc, issue.msg])).toEqual([
      [["body", "prices", 0], "Metered pricing is not supported on one-time products."],
      [["body", "prices"], "Only one static price is allowed."],
    ]);
    const unknownMeter = await rejection(
      polar.products.create({
        name: "Unknown meter",
        recurringInterval: "month",
        prices: [{ amountType: "metered_unit", meterId: randomUUID(), unitAmount: "1" }],
      }),
      HTTPValidationError,
    );
    expect(unknownMeter.detail?.[0]).toMatchObject({
      loc: ["body", "prices", 0, "meter_id"],
      msg: "Meter does not exist.",
    });
  });

  it("archive and unarchive: isArchived filters the list", async () => {
    const archived = await polar.products.update({ id: products.setup.id, productUpdate: { isArchived: true } });
    expect(archived).toMatchObject({ isArchived: true, name: "Setup" });
    expect(namesOf((await polar.products.list({ isArchived: true })).result.items)).toEqual(["Setup"]);
    expect(namesOf((await polar.products.list({ isArchived: false, sorting: ["name"] })).result.items)).toEqual([
      "Pro plan",
      "Tip jar",
    ]);
    const restored = await polar.products.update({ id: products.setup.id, productUpdate: { isArchived: false } });
    expect(restored.isArchived).toBe(false);
    expect((await polar.products.list({ isArchived: true })).result.items).toEqual([]);
  });
});

describe("benefits", () => {
  it("create: a meter_credit benefit (201)", async () => {
    const credits = await polar.benefits.create({
      type: "meter_credit",
      description: "200 API calls",
      metadata: { kind: "credits" },
      properties: { meterId: meter.id, units: 200, rollover: false },
    });
    expect(credits.id).toMatch(UUID4);
    expect(credits).toMatchObject({
      type: "meter_credit",
      description: "200 API calls",
      organizationId,
      metadata: { kind: "credits" },
      properties: { meterId: meter.id, units: 200, rollover: false },
      modifiedAt: null,
      selectable: true,
      deletable: true,
    });
    expect(credits.createdAt).toBeInstanceOf(Date);
    benefits.credits = credits;
  });

  it("create: a custom benefit with a note", async () => {
    const support = await polar.benefits.create({
      type: "custom",
      description: "Priority support",
      properties: { note: "Write to support@compat.example" },
    });
    expect(support).toMatchObject({
      type: "custom",
      description: "Priority support",
      metadata: {},
      properties: { note: "Write to support@compat.example" },
    });
    benefits.support = support;
  });

  it("get returns what create returned; unknown ids are ResourceNotFound", async () => {
    expect(await polar.benefits.get({ id: benefits.credits.id })).toEqual(benefits.credits);
    expect(await polar.benefits.get({ id: benefits.support.id })).toEqual(benefits.support);
    await rejection(polar.benefits.get({ id: randomUUID() }), ResourceNotFound);
  });

  it("list: newest first, filtered by type and text, sorted by description", async () => {
    const all = await polar.benefits.list({});
    expect(all.result.pagination).toEqual({ totalCount: 2, maxPage: 1 });
    expect(all.result.items.map((benefit) => benefit.id)).toEqual([benefits.support.id, benefits.credits.id]);
    const credits = await polar.benefits.list({ typeFilter: "meter_credit" });
    expect(credits.result.items.map((benefit) => benefit.id)).toEqual([benefits.credits.id]);
    const both = await polar.benefits.list({ typeFilter: ["custom", "meter_credit"], sorting: ["description"] });
    expect(both.result.items.map((benefit) => benefit.description)).toEqual(["200 API calls", "Priority support"]);
    expect((await polar.benefits.list({ query: "SUPPORT" })).result.items.map((benefit) => benefit.id)).toEqual([
      benefits.support.id,
    ]);
  });

  it("create: an unknown meter or a too short description is HTTPValidationError", async () => {
    const unknownMeter = await rejection(
      polar.benefits.create({
        type: "meter_credit",
        description: "Ghost credits",
        properties: { meterId: randomUUID(), units: 1, rollover: false },
      }),
      HTTPValidationError,
    );
    expect(unknownMeter.detail?.[0]).toMatchObject({ msg: "This meter does not exist.", type: "value_error" });
    const short = await rejection(
      polar.benefits.create({ type: "custom", description: "ab", properties: {} }),
      HTTPValidationError,
    );
    expect(short.detail?.[0]?.loc).toEqual(["body", "custom", "description"]);
  });

  it("update: description and properties of each type", async () => {
    const credits = await polar.benefits.update({
      id: benefits.credits.id,
      requestBody: {
        type: "meter_credit",
        description: "250 API calls",
        properties: { meterId: meter.id, units: 250, rollover: true },
      },
    });
    expect(credits).toMatchObject({
      id: benefits.credits.id,
      type: "meter_credit",
      description: "250 API calls",
      metadata: { kind: "credits" },
      properties: { meterId: meter.id, units: 250, rollover: true },
    });
    expect(credits.modifiedAt).toBeInstanceOf(Date);
    benefits.credits = credits;

    const support = await polar.benefits.update({
      id: benefits.support.id,
      requestBody: { type: "custom", properties: { note: null }, metadata: { channel: "email" } },
    });
    expect(support).toMatchObject({
      description: "Priority support",
      properties: { note: null },
      metadata: { channel: "email" },
    });
    benefits.support = support;
    await rejection(
      polar.benefits.update({ id: randomUUID(), requestBody: { type: "custom", description: "Ghost" } }),
      ResourceNotFound,
    );
  });

  it("update: the type cannot change (400 BadRequest, an SDKError)", async () => {
    const error = await rejection(
      polar.benefits.update({ id: benefits.credits.id, requestBody: { type: "custom", description: "Now custom" } }),
      SDKError,
    );
    expect(error.statusCode).toBe(400);
    expect(JSON.parse(error.body)).toEqual({ error: "BadRequest", detail: "The type of a benefit can't be changed." });
  });

  it("products.updateBenefits: replaces the benefits in order, once each; the products list filters by benefit", async () => {
    const attached = await polar.products.updateBenefits({
      id: products.pro.id,
      productBenefitsUpdate: { benefits: [benefits.credits.id, benefits.support.id, benefits.credits.id] },
    });
    expect(attached.benefits.map((benefit) => benefit.id)).toEqual([benefits.credits.id, benefits.support.id]);
    expect(attached.benefits[0]).toEqual(benefits.credits);
    expect(attached.benefits[1]).toEqual(benefits.support);
    expect(await polar.products.get({ id: products.pro.id })).toEqual(attached);
    products.pro = attached;

    const byBenefit = await polar.products.list({ benefitId: benefits.support.id });
    expect(byBenefit.result.items.map((product) => product.id)).toEqual([products.pro.id]);

    const tipJar = await polar.products.updateBenefits({
      id: products.tipJar.id,
      productBenefitsUpdate: { benefits: [benefits.support.id] },
    });
    expect(tipJar.benefits.map((benefit) => benefit.id)).toEqual([benefits.support.id]);
    const cleared = await polar.products.updateBenefits({
      id: products.tipJar.id,
      productBenefitsUpdate: { benefits: [] },
    });
    expect(cleared.benefits).toEqual([]);

    const unknown = await rejection(
      polar.products.updateBenefits({ id: products.pro.id, productBenefitsUpdate: { benefits: [randomUUID()] } }),
      HTTPValidationError,
    );
    expect(unknown.detail?.[0]).toMatchObject({ loc: ["body", "benefits", 0], msg: "Benefit does not exist." });
    await rejection(
      polar.products.updateBenefits({ id: randomUUID(), productBenefitsUpdate: { benefits: [] } }),
      ResourceNotFound,
    );
  });

  describe("grants", () => {
    let subscriber: Customer;
    let subscriptionId: string;

    beforeAll(async () => {
      subscriber = await polar.customers.create({ email: "grants@compat.example", name: "Grace" });
      // SDK 0.32.16 has no subscriptions.create (spec billing §12.3).
      const created = await requestWithoutSdk(server.url, ORGANIZATION_TOKEN, "POST", "/v1/subscriptions/", {
        customer_id: subscriber.id,
        product_id: products.pro.id,
      });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      subscriptionId = (created.body as { id: string }).id;
    });

    it("lists the grant of each of the product's benefits to the subscriber", async () => {
      const page = await polar.benefits.grants({ id: benefits.credits.id });
      expect(page.result.pagination).toEqual({ totalCount: 1, maxPage: 1 });
      const [grant] = page.result.items;
      expect(grant).toMatchObject({
        benefitId: benefits.credits.id,
        customerId: subscriber.id,
        subscriptionId,
        orderId: null,
        isGranted: true,
        isRevoked: false,
        revokedAt: null,
        customer: { id: subscriber.id, email: "grants@compat.example", name: "Grace" },
      });
      expect(grant?.id).toMatch(UUID4);
      expect(grant?.grantedAt).toBeInstanceOf(Date);

      const support = await polar.benefits.grants({ id: benefits.support.id });
      expect(support.result.items.map((item) => [item.customerId, item.isGranted])).toEqual([[subscriber.id, true]]);
    });

    it("credits the meter_credit units the benefit had when it was granted", async () => {
      // The SDK's BenefitGrant.properties union has no meter_credit member and keeps nothing of
      // it (spec billing §12.3); the server's own fields are read from the wire.
      const raw = await requestWithoutSdk(
        server.url,
        ORGANIZATION_TOKEN,
        "GET",
        `/v1/benefits/${benefits.credits.id}/grants`,
      );
      expect((raw.body as { items: Array<{ properties: unknown }> }).items[0]?.properties).toMatchObject({
        last_credited_meter_id: meter.id,
        last_credited_units: 250,
      });
    });

    it("filters by isGranted and customerId; an unknown benefit is ResourceNotFound", async () => {
      expect((await polar.benefits.grants({ id: benefits.credits.id, isGranted: false })).result.items).toEqual([]);
      const mine = await polar.benefits.grants({ id: benefits.credits.id, customerId: subscriber.id });
      expect(mine.result.pagination.totalCount).toBe(1);
      const nobody = await polar.benefits.grants({ id: benefits.credits.id, customerId: [randomUUID()] });
      expect(nobody.result.pagination).toEqual({ totalCount: 0, maxPage: 0 });
      await rejection(polar.benefits.grants({ id: randomUUID() }), ResourceNotFound);
    });
  });

  it("delete (204): gone from get, the list and the products that had it", async () => {
    const scratch = await polar.benefits.create({
      type: "custom",
      description: "Short-lived perk",
      properties: {},
    });
    await polar.products.updateBenefits({
      id: products.tipJar.id,
      productBenefitsUpdate: { benefits: [scratch.id] },
    });
    await expect(polar.benefits.delete({ id: scratch.id })).resolves.toBeUndefined();
    await rejection(polar.benefits.get({ id: scratch.id }), ResourceNotFound);
    await rejection(polar.benefits.delete({ id: scratch.id }), ResourceNotFound);
    expect((await polar.products.get({ id: products.tipJar.id })).benefits).toEqual([]);
    const listed = await polar.benefits.list({ limit: 100 });
    expect(listed.result.items.map((benefit) => benefit.id)).not.toContain(scratch.id);
  });
});

describe("discounts", () => {
  let summer: Awaited<ReturnType<Polar["discounts"]["create"]>>;
  let launch: Awaited<ReturnType<Polar["discounts"]["create"]>>;

  it("create: percentage, once, with a code (201)", async () => {
    summer = await polar.discounts.create({
      name: "Summer",
      code: "SUMMER25",
      type: "percentage",
      basisPoints: 2500,
      duration: "once",
    });
    expect(summer.id).toMatch(UUID4);
    expect(summer).toMatchObject({
      name: "Summer",
      code: "SUMMER25",
      type: "percentage",
      basisPoints: 2500,
      duration: "once",
      organizationId,
      metadata: {},
      startsAt: null,
      endsAt: null,
      maxRedemptions: null,
      redemptionsCount: 0,
      products: [],
      modifiedAt: null,
    });
  });

  it("create: fixed, forever, limited to a product, a window and a number of redemptions", async () => {
    launch = await polar.discounts.create({
      name: "Launch",
      type: "fixed",
      amount: 500,
      currency: "usd",
      duration: "forever",
      products: [products.pro.id],
      startsAt: new Date("2030-01-01T00:00:00Z"),
      endsAt: new Date("2030-12-31T00:00:00Z"),
      maxRedemptions: 10,
      metadata: { campaign: "launch" },
    });
    expect(launch).toMatchObject({
      name: "Launch",
      code: null,
      type: "fixed",
      amount: 500,
      currency: "usd",
      duration: "forever",
      startsAt: new Date("2030-01-01T00:00:00Z"),
      endsAt: new Date("2030-12-31T00:00:00Z"),
      maxRedemptions: 10,
      redemptionsCount: 0,
      metadata: { campaign: "launch" },
    });
    expect(launch.products).toEqual([
      expect.objectContaining({
        id: products.pro.id,
        name: "Pro plan",
        recurringInterval: "month",
        isRecurring: true,
        isArchived: false,
        organizationId,
      }),
    ]);
  });

  it("create: the repeating variants; the server reads duration_in_months the SDK cannot send", async () => {
    // SDK 0.32.16 serialises DiscountCreate through a plain union whose once/forever members also
    // accept `duration: "repeating"`, so `durationInMonths` is dropped before the request leaves.
    // The server must refuse such a body rather than create a discount with no length.
    const dropped = await rejection(
      polar.discounts.create({
        name: "Quarter",
        type: "fixed",
        amount: 300,
        duration: "repeating",
        durationInMonths: 3,
      }),
      HTTPValidationError,
    );
    expect(dropped.detail?.map((issue) => issue.loc)).toContainEqual(expect.arrayContaining(["duration_in_months"]));

    for (const [body, figures] of [
      [
        { name: "Quarter", type: "fixed", amount: 300, currency: "usd", duration: "repeating", duration_in_months: 3 },
        { type: "fixed", amount: 300, currency: "usd" },
      ],
      [
        { name: "Year one", type: "percentage", basis_points: 1000, duration: "repeating", duration_in_months: 12 },
        { type: "percentage", basisPoints: 1000 },
      ],
    ] as const) {
      const created = await requestWithoutSdk(server.url, ORGANIZATION_TOKEN, "POST", "/v1/discounts/", body);
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ duration: "repeating", duration_in_months: body.duration_in_months });
      const parsed = parseAsSdk<Discount>(Discount$inboundSchema, created, "discounts.create (repeating)");
      expect(parsed).toMatchObject({ name: body.name, duration: "repeating", ...figures });
      const fetched = await polar.discounts.get({ id: parsed.id });
      expect(fetched).toMatchObject({ id: parsed.id, duration: "repeating", ...figures });
    }
  });

  it("get returns what create returned; unknown ids are ResourceNotFound", async () => {
    expect(await polar.discounts.get({ id: summer.id })).toEqual(summer);
    expect(await polar.discounts.get({ id: launch.id })).toEqual(launch);
    await rejection(polar.discounts.get({ id: randomUUID() }), ResourceNotFound);
  });

  it("list: newest first, searched by name and code, sorted", async () => {
    const all = await polar.discounts.list({});
    expect(all.result.pagination).toEqual({ totalCount: 4, maxPage: 1 });
    expect(namesOf(all.result.items)).toEqual(["Year one", "Quarter", "Launch", "Summer"]);
    expect(namesOf((await polar.discounts.list({ query: "summer25" })).result.items)).toEqual(["Summer"]);
    expect(namesOf((await polar.discounts.list({ query: "QUART" })).result.items)).toEqual(["Quarter"]);
    expect(namesOf((await polar.discounts.list({ sorting: ["name"] })).result.items)).toEqual([
      "Launch",
      "Quarter",
      "Summer",
      "Year one",
    ]);
    const { pageCount, items } = await collectPages(await polar.discounts.list({ limit: 3 }));
    expect(pageCount).toBe(2);
    expect(items).toHaveLength(4);
  });

  it("update: name, code, amount terms and limits; modifiedAt is set", async () => {
    const updated = await polar.discounts.update({
      id: summer.id,
      discountUpdate: { name: "Summer sale", code: "SUMMER30", basisPoints: 3000, maxRedemptions: 5 },
    });
    expect(updated).toMatchObject({
      id: summer.id,
      name: "Summer sale",
      code: "SUMMER30",
      type: "percentage",
      basisPoints: 3000,
      duration: "once",
      maxRedemptions: 5,
    });
    expect(updated.modifiedAt).toBeInstanceOf(Date);
    expect(await polar.discounts.get({ id: summer.id })).toEqual(updated);

    const unrestricted = await polar.discounts.update({
      id: launch.id,
      discountUpdate: { products: [], endsAt: null, amount: 700 },
    });
    expect(unrestricted).toMatchObject({ products: [], endsAt: null, amount: 700, currency: "usd" });
    await rejection(polar.discounts.update({ id: randomUUID(), discountUpdate: { name: "Ghost" } }), ResourceNotFound);
  });

  it("update: type and duration never change (422 forbidden)", async () => {
    const error = await rejection(
      polar.discounts.update({ id: summer.id, discountUpdate: { type: "fixed", duration: "forever" } }),
      HTTPValidationError,
    );
    expect(error.detail?.map((issue) => [issue.loc, issue.type])).toEqual([
      [["body", "type"], "forbidden"],
      [["body", "duration"], "forbidden"],
    ]);
  });

  it("codes are unique per organization regardless of case; products must exist (422)", async () => {
    const taken = await rejection(
      polar.discounts.create({
        name: "Copy",
        code: "summer30",
        type: "percentage",
        basisPoints: 100,
        duration: "once",
      }),
      HTTPValidationError,
    );
    expect(taken.detail).toEqual([
      expect.objectContaining({ loc: ["body", "code"], msg: "Discount with this code already exists." }),
    ]);
    const unknownProduct = await rejection(
      polar.discounts.create({
        name: "Nowhere",
        type: "fixed",
        amount: 100,
        duration: "once",
        products: [randomUUID()],
      }),
      HTTPValidationError,
    );
    expect(unknownProduct.detail?.[0]).toMatchObject({ loc: ["body", "products", 0], msg: "Product does not exist." });
  });

  it("delete (204): gone from get and list, and its code is free again", async () => {
    await expect(polar.discounts.delete({ id: summer.id })).resolves.toBeUndefined();
    await rejection(polar.discounts.get({ id: summer.id }), ResourceNotFound);
    await rejection(polar.discounts.delete({ id: summer.id }), ResourceNotFound);
    expect(namesOf((await polar.discounts.list({ query: "summer" })).result.items)).toEqual([]);
    const reused = await polar.discounts.create({
      name: "Summer again",
      code: "SUMMER30",
      type: "percentage",
      basisPoints: 3000,
      duration: "once",
    });
    expect(reused.code).toBe("SUMMER30");
  });
});

describe("authentication", () => {
  it("an unknown token is SDKError 401 on the catalog", async () => {
    const stranger = polarClient(server.url, "polar_oat_not_a_real_token_at_all");
    for (const call of [
      () => stranger.products.list({}),
      () => stranger.benefits.get({ id: randomUUID() }),
      () => stranger.discounts.list({}),
    ]) {
      expect((await rejection(call(), SDKError)).statusCode).toBe(401);
    }
  });
});
