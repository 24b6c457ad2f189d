import { randomUUID } from "node:crypto";
import type { Polar } from "@polar-sh/sdk";
import type { Customer } from "@polar-sh/sdk/models/components/customer.js";
import { HTTPValidationError } from "@polar-sh/sdk/models/errors/httpvalidationerror.js";
import { ResourceNotFound } from "@polar-sh/sdk/models/errors/resourcenotfound.js";
import { SDKError } from "@polar-sh/sdk/models/errors/sdkerror.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collectPages, polarClient, rejection } from "./sdk.js";
import { ORGANIZATION_TOKEN, type RunningServer, startServer } from "./server.js";

let server: RunningServer;
let polar: Polar;
let organizationId: string;

beforeAll(async () => {
  server = await startServer();
  polar = polarClient(server.url, ORGANIZATION_TOKEN);
  organizationId = (await polar.organizations.list({})).result.items[0]!.id;
});

afterAll(async () => {
  await server?.stop();
});

const UUID4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe("customers", () => {
  let alice: Customer;

  it("create: every field round-trips and the response parses as Customer (201)", async () => {
    alice = await polar.customers.create({
      email: "alice@compat.example",
      name: "Alice",
      externalId: "user_alice",
      metadata: { plan: "pro", seats: 3, ratio: 1.5, beta: true, code: "123" },
      billingAddress: { line1: "1 Main St", postalCode: "75001", city: "Paris", country: "FR" },
      taxId: ["FR61954506077", "eu_vat"],
    });
    expect(alice.id).toMatch(UUID4);
    expect(alice).toMatchObject({
      email: "alice@compat.example",
      emailVerified: false,
      name: "Alice",
      externalId: "user_alice",
      organizationId,
      modifiedAt: null,
      deletedAt: null,
      // Metadata keeps its JSON types: "123" stays a string, 1.5 a float.
      metadata: { plan: "pro", seats: 3, ratio: 1.5, beta: true, code: "123" },
      billingAddress: {
        line1: "1 Main St",
        line2: null,
        postalCode: "75001",
        city: "Paris",
        state: null,
        country: "FR",
      },
      taxId: ["FR61954506077", "eu_vat"],
    });
    expect(alice.createdAt).toBeInstanceOf(Date);
    expect(alice.avatarUrl).toMatch(/^https:\/\//);
  });

  it("create: minimal body defaults metadata to {} and nullable fields to null", async () => {
    const bob = await polar.customers.create({ email: "bob@compat.example" });
    expect(bob).toMatchObject({ metadata: {}, name: null, externalId: null, billingAddress: null, taxId: null });
  });

  it("create: a duplicate email is a 422 HTTPValidationError at body.email, not a 409", async () => {
    const error = await rejection(polar.customers.create({ email: "alice@compat.example" }), HTTPValidationError);
    expect(error.detail).toHaveLength(1);
    expect(error.detail?.[0]).toMatchObject({
      loc: ["body", "email"],
      msg: "A customer with this email address already exists.",
      type: "value_error",
    });
  });

  it("create: organizationId is refused for an organization token", async () => {
    const error = await rejection(
      polar.customers.create({ email: "carol@compat.example", organizationId }),
      HTTPValidationError,
    );
    expect(error.detail?.[0]).toMatchObject({ loc: ["body", "organization_id"], type: "organization_token" });
  });

  it("get and getExternal return the same customer", async () => {
    const byId = await polar.customers.get({ id: alice.id });
    expect(byId).toEqual(alice);
    const byExternal = await polar.customers.getExternal({ externalId: "user_alice" });
    expect(byExternal).toEqual(alice);
  });

  it("get, getExternal: unknown ids are ResourceNotFound; a malformed id is HTTPValidationError", async () => {
    const missing = await rejection(polar.customers.get({ id: randomUUID() }), ResourceNotFound);
    expect(missing.detail).toBe("Not found");
    await rejection(polar.customers.getExternal({ externalId: "nobody" }), ResourceNotFound);
    const malformed = await rejection(polar.customers.get({ id: "123" }), HTTPValidationError);
    expect(malformed.detail?.[0]).toMatchObject({ loc: ["path", "id"], type: "uuid_parsing" });
    expect(typeof malformed.detail?.[0]?.msg).toBe("string");
  });

  it("update: PATCH is partial, null clears, modifiedAt is set", async () => {
    const updated = await polar.customers.update({
      id: alice.id,
      customerUpdate: { name: "Alice A.", metadata: { plan: "team" }, billingAddress: null },
    });
    expect(updated).toMatchObject({
      id: alice.id,
      name: "Alice A.",
      email: "alice@compat.example",
      externalId: "user_alice",
      metadata: { plan: "team" },
      billingAddress: null,
      taxId: ["FR61954506077", "eu_vat"],
    });
    expect(updated.modifiedAt).toBeInstanceOf(Date);
    expect(updated.createdAt).toEqual(alice.createdAt);
    expect(await polar.customers.get({ id: alice.id })).toEqual(updated);
  });

  it("update: the external id can be set once but never changed (422)", async () => {
    const bare = await polar.customers.create({ email: "dave@compat.example" });
    const withExternal = await polar.customers.update({ id: bare.id, customerUpdate: { externalId: "user_dave" } });
    expect(withExternal.externalId).toBe("user_dave");
    const error = await rejection(
      polar.customers.update({ id: bare.id, customerUpdate: { externalId: "user_dave2" } }),
      HTTPValidationError,
    );
    expect(error.detail?.[0]).toMatchObject({
      loc: ["body", "external_id"],
      msg: "Customer external ID cannot be updated.",
    });
    await rejection(polar.customers.update({ id: randomUUID(), customerUpdate: { name: "Ghost" } }), ResourceNotFound);
  });

  it("updateExternal: PATCH by external id", async () => {
    const updated = await polar.customers.updateExternal({
      externalId: "user_alice",
      customerUpdateExternalID: { name: "Alice External", metadata: { plan: "enterprise", seats: 10 } },
    });
    expect(updated).toMatchObject({
      id: alice.id,
      name: "Alice External",
      metadata: { plan: "enterprise", seats: 10 },
    });
    await rejection(
      polar.customers.updateExternal({ externalId: "nobody", customerUpdateExternalID: { name: "Ghost" } }),
      ResourceNotFound,
    );
    const invalid = await rejection(
      polar.customers.updateExternal({ externalId: "user_alice", customerUpdateExternalID: { email: "not-an-email" } }),
      HTTPValidationError,
    );
    expect(invalid.detail?.[0]?.loc).toEqual(["body", "email"]);
  });

  it("getState and getStateExternal: the customer plus empty subscriptions, benefits and meters", async () => {
    const state = await polar.customers.getState({ id: alice.id });
    expect(state).toMatchObject({
      id: alice.id,
      email: "alice@compat.example",
      externalId: "user_alice",
      name: "Alice External",
      activeSubscriptions: [],
      grantedBenefits: [],
      activeMeters: [],
    });
    expect(await polar.customers.getStateExternal({ externalId: "user_alice" })).toEqual(state);
    await rejection(polar.customers.getState({ id: randomUUID() }), ResourceNotFound);
    await rejection(polar.customers.getStateExternal({ externalId: "nobody" }), ResourceNotFound);
  });

  describe("list", () => {
    const emails = Array.from({ length: 7 }, (_, index) => `list-${index}@compat.example`);

    beforeAll(async () => {
      for (const [index, email] of emails.entries()) {
        await polar.customers.create({
          email,
          name: `Lister ${String.fromCharCode(71 - index)}`,
          metadata: { cohort: index % 2 === 0 ? "even" : "odd", rank: index },
        });
      }
    });

    it("defaults to newest first with page 1 / limit 10 and exact pagination figures", async () => {
      const page = await polar.customers.list({});
      // alice, bob, dave and seven listers.
      expect(page.result.pagination).toEqual({ totalCount: 10, maxPage: 1 });
      const created = page.result.items.map((customer) => customer.createdAt.getTime());
      expect(created).toEqual([...created].sort((a, b) => b - a));
      expect(page.result.items[0]?.email).toBe(emails[6]);
    });

    it("for await walks every page, each customer exactly once", async () => {
      const { pageCount, items } = await collectPages(await polar.customers.list({ limit: 3 }));
      expect(pageCount).toBe(4);
      const ids = items.map((customer) => customer.id);
      expect(ids).toHaveLength(10);
      expect(new Set(ids).size).toBe(10);
    });

    it("a page beyond the last is empty but keeps the total", async () => {
      const page = await polar.customers.list({ limit: 3, page: 5 });
      expect(page.result.items).toEqual([]);
      expect(page.result.pagination).toEqual({ totalCount: 10, maxPage: 4 });
    });

    it("filters by email, query, organization and metadata (same key OR, different keys AND)", async () => {
      const byEmail = await polar.customers.list({ email: "LIST-3@compat.example" });
      expect(byEmail.result.items.map((customer) => customer.email)).toEqual(["list-3@compat.example"]);

      const byQuery = await polar.customers.list({ query: "lister", limit: 100 });
      expect(byQuery.result.pagination.totalCount).toBe(7);

      const byOrganization = await polar.customers.list({ organizationId: [organizationId], limit: 100 });
      expect(byOrganization.result.pagination.totalCount).toBe(10);
      const otherOrganization = await polar.customers.list({ organizationId: randomUUID() });
      expect(otherOrganization.result.pagination).toEqual({ totalCount: 0, maxPage: 0 });

      const even = await polar.customers.list({ metadata: { cohort: "even" }, limit: 100 });
      expect(even.result.items.map((customer) => customer.email).sort()).toEqual([
        emails[0],
        emails[2],
        emails[4],
        emails[6],
      ]);

      const ranks = await polar.customers.list({ metadata: { rank: ["1", "2"] }, limit: 100 });
      expect(ranks.result.items.map((customer) => customer.email).sort()).toEqual([emails[1], emails[2]]);

      const both = await polar.customers.list({ metadata: { cohort: "even", rank: ["1", "2"] }, limit: 100 });
      expect(both.result.items.map((customer) => customer.email)).toEqual([emails[2]]);
    });

    it("sorts by name, email and created_at in both directions", async () => {
      const byName = await polar.customers.list({ query: "lister", sorting: ["name"], limit: 100 });
      expect(byName.result.items.map((customer) => customer.name)).toEqual(
        ["A", "B", "C", "D", "E", "F", "G"].map((letter) => `Lister ${letter}`),
      );
      const byEmailDescending = await polar.customers.list({ query: "lister", sorting: ["-email"], limit: 100 });
      expect(byEmailDescending.result.items.map((customer) => customer.email)).toEqual([...emails].reverse());
      const oldestFirst = await polar.customers.list({ sorting: ["created_at"], limit: 1 });
      expect(oldestFirst.result.items[0]?.email).toBe("alice@compat.example");
    });

    it("an invalid page is a 422 HTTPValidationError at query.page", async () => {
      const error = await rejection(polar.customers.list({ page: 0 }), HTTPValidationError);
      expect(error.detail?.[0]).toMatchObject({ loc: ["query", "page"], type: "greater_than" });
    });
  });

  it("external ids with reserved URL characters work in every *External path", async () => {
    // The SDK percent-encodes path parameters (encodeURIComponent); the server must decode once.
    const externalId = "auth0|user/42?x=1#é %";
    const created = await polar.customers.create({ email: "reserved@compat.example", externalId });
    expect((await polar.customers.getExternal({ externalId })).id).toBe(created.id);
    const updated = await polar.customers.updateExternal({
      externalId,
      customerUpdateExternalID: { name: "Reserved" },
    });
    expect(updated).toMatchObject({ id: created.id, externalId, name: "Reserved" });
    expect((await polar.customers.getStateExternal({ externalId })).id).toBe(created.id);
    await polar.customers.deleteExternal({ externalId });
    await rejection(polar.customers.get({ id: created.id }), ResourceNotFound);
  });

  it("delete (204): the customer disappears from get, lists and getExternal", async () => {
    const erin = await polar.customers.create({ email: "erin@compat.example", externalId: "user_erin" });
    await expect(polar.customers.delete({ id: erin.id })).resolves.toBeUndefined();
    await rejection(polar.customers.get({ id: erin.id }), ResourceNotFound);
    await rejection(polar.customers.getExternal({ externalId: "user_erin" }), ResourceNotFound);
    const listed = await polar.customers.list({ email: "erin@compat.example" });
    expect(listed.result.items).toEqual([]);
    await rejection(polar.customers.delete({ id: erin.id }), ResourceNotFound);
  });

  it("deleteExternal (204): by external id; a second call is ResourceNotFound", async () => {
    const frank = await polar.customers.create({ email: "frank@compat.example", externalId: "user_frank" });
    await expect(polar.customers.deleteExternal({ externalId: "user_frank" })).resolves.toBeUndefined();
    await rejection(polar.customers.get({ id: frank.id }), ResourceNotFound);
    await rejection(polar.customers.deleteExternal({ externalId: "user_frank" }), ResourceNotFound);
  });

  it("an unknown token is SDKError 401 on customers too", async () => {
    const stranger = polarClient(server.url, "polar_oat_not_a_real_token_at_all");
    const error = await rejection(stranger.customers.get({ id: alice.id }), SDKError);
    expect(error.statusCode).toBe(401);
  });
});
