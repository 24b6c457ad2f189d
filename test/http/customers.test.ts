import { randomUUID } from "node:crypto";
import { Customer$inboundSchema } from "@polar-sh/sdk/models/components/customer.js";
import { CustomerState$inboundSchema } from "@polar-sh/sdk/models/components/customerstate.js";
import { ListResourceCustomer$inboundSchema } from "@polar-sh/sdk/models/components/listresourcecustomer.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Json, queryString } from "../support/api-client.js";
import { outboxMark, outboxSince, parseAnnouncement } from "../support/outbox-records.js";
import { parseWithSdk } from "../support/parse-with-sdk.js";
import { startTestEngine, type TestEngine } from "../support/test-engine.js";

const NOT_FOUND = { error: "ResourceNotFound", detail: "Not found" };
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const UUID4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

let t: TestEngine;

/** A customer created one second after the previous one, so creation order is observable. */
async function customer(body: Record<string, unknown>): Promise<Json> {
  t.clock.advance(1000);
  return t.api.createCustomer(body);
}

/** The instant of the fixed clock as the API prints it. */
function now(): string {
  return t.clock.now().toISOString().replace(".000", "");
}

async function stateOf(id: string): Promise<Json> {
  return t.api.expectStatus(200, "GET", `/v1/customers/${id}/state`);
}

function emails(response: { body: Json }): string[] {
  return response.body.items.map((item: { email: string }) => item.email);
}

beforeAll(async () => {
  t = await startTestEngine();
});
afterAll(() => t.stop());

describe("201", () => {
  it("creates a customer the SDK can read, with every field present and metadata types kept", async () => {
    const response = await t.api.post("/v1/customers/", {
      email: "ada@example.com",
      name: "Ada",
      external_id: "ada",
      metadata: { x: 1.5, y: true, z: "123", n: 7 },
      billing_address: { line1: "1 Main St", city: "Paris", postal_code: "75001", country: "FR" },
      unknown_field: "ignored",
    });
    expect(response.status).toBe(201);
    const parsed = parseWithSdk(Customer$inboundSchema, response.body);
    expect(parsed).toMatchObject({ email: "ada@example.com", name: "Ada", externalId: "ada", emailVerified: false });
    expect(response.body.metadata).toEqual({ x: 1.5, y: true, z: "123", n: 7 });
    expect(response.body).toMatchObject({
      modified_at: null,
      deleted_at: null,
      tax_id: null,
      organization_id: t.organizationId,
    });
    expect(response.body.billing_address).toMatchObject({
      line1: "1 Main St",
      line2: null,
      state: null,
      country: "FR",
    });
    expect(response.body.created_at).toMatch(DATE_TIME);
    expect(response.body.id).toMatch(UUID4);
    expect(response.body).not.toHaveProperty("unknown_field");
    const got = await t.api.get(`/v1/customers/${response.body.id}`);
    expect(got.body).toEqual(response.body);
  });

  it("announces customer.created then customer.state_changed, as the API shows them and the SDK reads them", async () => {
    const mark = await outboxMark(t);
    const created = await customer({ email: "announced@example.com", external_id: "announced" });
    const records = await outboxSince(t, mark);
    expect(records.map((record) => record.type)).toEqual(["customer.created", "customer.state_changed"]);
    expect(records[0]?.data).toEqual(created);
    expect(records[1]?.data).toEqual(await stateOf(created.id));
    const [announced, state] = records.map(parseAnnouncement);
    expect(announced).toMatchObject({ type: "customer.created", data: { id: created.id, externalId: "announced" } });
    expect(state).toMatchObject({
      type: "customer.state_changed",
      data: { id: created.id, activeSubscriptions: [], grantedBenefits: [], activeMeters: [] },
    });
  });

  it("creates a customer with a personal token in the named organization", async () => {
    const response = await t.admin.post("/v1/customers/", {
      email: "pat@example.com",
      organization_id: t.organizationId,
    });
    expect(response.status).toBe(201);
    expect(response.body.organization_id).toBe(t.organizationId);
  });
});

describe("200", () => {
  it("gets a customer by id and by external id", async () => {
    const created = await customer({ email: "grace@example.com", external_id: "grace" });
    const byId = await t.api.get(`/v1/customers/${created.id}`);
    const byExternalId = await t.api.get("/v1/customers/external/grace");
    expect(byId.status).toBe(200);
    expect(byExternalId.status).toBe(200);
    expect(byExternalId.body).toEqual(byId.body);
  });

  it("lists newest first by default, sorts, pages and filters", async () => {
    const organization = await t.createOrganization("customer-list");
    const api = organization.api;
    for (const [email, name] of [
      ["c@list.example", "Carol"],
      ["a@list.example", "Zed"],
      ["b@list.example", "Bob"],
    ]) {
      t.clock.advance(1000);
      await api.createCustomer({ email, name });
    }
    expect(emails(await api.get("/v1/customers/"))).toEqual(["b@list.example", "a@list.example", "c@list.example"]);
    expect(emails(await api.get("/v1/customers/?sorting=email"))).toEqual([
      "a@list.example",
      "b@list.example",
      "c@list.example",
    ]);
    expect(emails(await api.get("/v1/customers/?sorting=-name"))).toEqual([
      "a@list.example",
      "c@list.example",
      "b@list.example",
    ]);
    const page = await api.get("/v1/customers/?sorting=email&limit=2&page=2");
    expect(parseWithSdk(ListResourceCustomer$inboundSchema, page.body).pagination).toEqual({
      totalCount: 3,
      maxPage: 2,
    });
    expect(emails(page)).toEqual(["c@list.example"]);
    expect(emails(await api.get("/v1/customers/?email=B@LIST.example"))).toEqual(["b@list.example"]);
    expect(emails(await api.get("/v1/customers/?query=zed"))).toEqual(["a@list.example"]);
  });

  it("filters on metadata: values of one key OR-ed, keys AND-ed, compared as text", async () => {
    const organization = await t.createOrganization("customer-metadata");
    const api = organization.api;
    const rows: Array<[string, Record<string, unknown>]> = [
      ["pro-int@m.example", { plan: "pro", tier: 1 }],
      ["team-str@m.example", { plan: "team", tier: "1" }],
      ["pro-two@m.example", { plan: "pro", tier: 2 }],
      ["free@m.example", { plan: "free", tier: 1 }],
      ["pro-float@m.example", { plan: "pro", tier: 1.5 }],
      ["no-tier@m.example", { plan: "pro" }],
    ];
    for (const [email, metadata] of rows) await api.createCustomer({ email, metadata });
    const query = queryString({ "metadata[plan]": ["pro", "team"], "metadata[tier]": "1", sorting: "email" });
    expect(emails(await api.get(`/v1/customers/${query}`))).toEqual(["pro-int@m.example", "team-str@m.example"]);
    expect(emails(await api.get(`/v1/customers/${queryString({ "metadata[tier]": "1.5" })}`))).toEqual([
      "pro-float@m.example",
    ]);
  });

  it("updates by id and by external id; modified_at moves, omitted fields stay", async () => {
    const created = await customer({
      email: "linus@example.com",
      name: "Linus",
      external_id: "linus",
      metadata: { a: "1" },
    });
    t.clock.advance(5000);
    const renamed = await t.api.patch(`/v1/customers/${created.id}`, { name: "Linus T." });
    expect(renamed.status).toBe(200);
    expect(parseWithSdk(Customer$inboundSchema, renamed.body)).toMatchObject({
      name: "Linus T.",
      email: "linus@example.com",
      externalId: "linus",
    });
    expect(renamed.body.metadata).toEqual({ a: "1" });
    expect(renamed.body.modified_at).toBe(t.clock.now().toISOString().replace(".000", ""));
    const external = await t.api.patch("/v1/customers/external/linus", {
      metadata: { b: 2 },
      email: "linus@kernel.example",
    });
    expect(external.status).toBe(200);
    expect(external.body).toMatchObject({ metadata: { b: 2 }, email: "linus@kernel.example", name: "Linus T." });
  });

  it("announces customer.updated then customer.state_changed for an update by id and by external id", async () => {
    const created = await customer({ email: "renamed@example.com", external_id: "renamed" });
    for (const [path, name] of [
      [`/v1/customers/${created.id}`, "By id"],
      ["/v1/customers/external/renamed", "By external id"],
    ]) {
      t.clock.advance(1000);
      const mark = await outboxMark(t);
      const response = await t.api.patch(path as string, { name });
      expect(response.status, path).toBe(200);
      const records = await outboxSince(t, mark);
      expect(
        records.map((record) => record.type),
        path,
      ).toEqual(["customer.updated", "customer.state_changed"]);
      expect(records[0]?.data).toEqual(response.body);
      expect(records[1]?.data).toEqual(await stateOf(created.id));
      const [announced, state] = records.map(parseAnnouncement);
      expect(announced).toMatchObject({ type: "customer.updated", data: { name, modifiedAt: t.clock.now() } });
      expect(state).toMatchObject({ type: "customer.state_changed", data: { id: created.id, name } });
    }
  });

  it("sets an external id once, and accepts the same value again", async () => {
    const created = await customer({ email: "late@example.com" });
    const set = await t.api.patch(`/v1/customers/${created.id}`, { external_id: "late" });
    expect(set.status).toBe(200);
    expect(set.body.external_id).toBe("late");
    expect((await t.api.patch(`/v1/customers/${created.id}`, { external_id: "late" })).status).toBe(200);
    expect((await t.api.get("/v1/customers/external/late")).body.id).toBe(created.id);
  });

  it("returns the customer state with the customer's meters", async () => {
    const created = await customer({ email: "state@example.com", external_id: "state" });
    const meter = await t.api.createMeter({
      name: "State calls",
      filter: { conjunction: "and", clauses: [{ property: "name", operator: "eq", value: "state_call" }] },
      aggregation: { func: "count" },
    });
    await t.api.ingest([{ name: "state_call", external_customer_id: "state", timestamp: "2025-06-01T00:00:00Z" }]);
    await t.caughtUp();
    for (const path of [`/v1/customers/${created.id}/state`, "/v1/customers/external/state/state"]) {
      const response = await t.api.get(path);
      expect(response.status, path).toBe(200);
      const state = parseWithSdk(CustomerState$inboundSchema, response.body);
      expect(state).toMatchObject({ id: created.id, activeSubscriptions: [], grantedBenefits: [] });
      expect(response.body.active_meters).toEqual([
        expect.objectContaining({ meter_id: meter.id, consumed_units: 1, credited_units: 0, balance: -1 }),
      ]);
    }
  });
});

describe("204", () => {
  it("deletes by id: empty body, then 404, gone from lists and from customer meters", async () => {
    const created = await customer({ email: "gone@example.com", external_id: "gone" });
    await t.api.createMeter({
      name: "Gone calls",
      filter: { conjunction: "and", clauses: [] },
      aggregation: { func: "count" },
    });
    await t.api.ingest([{ name: "call", customer_id: created.id, timestamp: "2025-06-01T00:00:00Z" }]);
    await t.caughtUp();
    expect((await t.api.get(`/v1/customer-meters/?customer_id=${created.id}`)).body.items.length).toBeGreaterThan(0);
    const response = await t.api.delete(`/v1/customers/${created.id}`);
    expect(response.status).toBe(204);
    expect(response.text).toBe("");
    expect((await t.api.get(`/v1/customers/${created.id}`)).body).toEqual(NOT_FOUND);
    expect((await t.api.get("/v1/customers/external/gone")).status).toBe(404);
    expect(emails(await t.api.get("/v1/customers/?limit=100"))).not.toContain("gone@example.com");
    expect((await t.api.get(`/v1/customer-meters/?customer_id=${created.id}`)).body.items).toEqual([]);
  });

  it("deletes by external id and frees the email and the external id", async () => {
    await customer({ email: "reuse@example.com", external_id: "reuse" });
    const response = await t.api.delete("/v1/customers/external/reuse");
    expect(response.status).toBe(204);
    expect(response.text).toBe("");
    const again = await t.api.post("/v1/customers/", { email: "reuse@example.com", external_id: "reuse" });
    expect(again.status).toBe(201);
    expect((await t.api.get("/v1/customers/external/reuse")).body.id).toBe(again.body.id);
  });

  it("announces customer.deleted with the deleted customer, then its state, by id and by external id", async () => {
    for (const key of ["id", "external-id"]) {
      const created = await customer({ email: `farewell-${key}@example.com`, external_id: `farewell-${key}` });
      t.clock.advance(1000);
      const mark = await outboxMark(t);
      const path = key === "id" ? `/v1/customers/${created.id}` : `/v1/customers/external/farewell-${key}`;
      expect((await t.api.delete(path)).status, path).toBe(204);
      const records = await outboxSince(t, mark);
      expect(
        records.map((record) => record.type),
        path,
      ).toEqual(["customer.deleted", "customer.state_changed"]);
      // Polar sends the customer as it is once deleted: `deleted_at` set, nothing else changed.
      expect(records[0]?.data).toEqual({ ...created, modified_at: now(), deleted_at: now() });
      expect(records[1]?.data).toEqual({
        ...created,
        modified_at: now(),
        deleted_at: now(),
        active_subscriptions: [],
        granted_benefits: [],
        active_meters: [],
      });
      const [announced, state] = records.map(parseAnnouncement);
      expect(announced).toMatchObject({ type: "customer.deleted", data: { id: created.id, deletedAt: t.clock.now() } });
      expect(state).toMatchObject({ type: "customer.state_changed", data: { id: created.id } });
    }
  });

  it("no longer accepts events for a deleted customer id", async () => {
    const created = await customer({ email: "deleted-events@example.com" });
    await t.api.delete(`/v1/customers/${created.id}`);
    const response = await t.api.post("/v1/events/ingest", { events: [{ name: "call", customer_id: created.id }] });
    expect(response.status).toBe(422);
    expect(response.body.detail).toEqual([
      expect.objectContaining({ type: "customer_id", msg: "Customer not found." }),
    ]);
  });
});

describe("404", () => {
  it("answers unknown ids and external ids on every operation", async () => {
    const id = randomUUID();
    const responses = [
      await t.api.get(`/v1/customers/${id}`),
      await t.api.patch(`/v1/customers/${id}`, { name: "x" }),
      await t.api.delete(`/v1/customers/${id}`),
      await t.api.get(`/v1/customers/${id}/state`),
      await t.api.get("/v1/customers/external/nobody"),
      await t.api.patch("/v1/customers/external/nobody", { name: "x" }),
      await t.api.delete("/v1/customers/external/nobody"),
      await t.api.get("/v1/customers/external/nobody/state"),
    ];
    for (const response of responses) {
      expect(response.status).toBe(404);
      expect(response.body).toEqual(NOT_FOUND);
    }
  });
});

describe("422", () => {
  it("rejects a second customer with the same email (any case) or external id", async () => {
    await customer({ email: "unique@example.com", external_id: "unique" });
    const email = await t.api.post("/v1/customers/", { email: "UNIQUE@example.com" });
    expect(email.status).toBe(422);
    expect(email.body).toEqual({
      error: "PolarRequestValidationError",
      detail: [
        {
          type: "value_error",
          loc: ["body", "email"],
          msg: "A customer with this email address already exists.",
          input: "UNIQUE@example.com",
        },
      ],
    });
    const externalId = await t.api.post("/v1/customers/", { email: "other@example.com", external_id: "unique" });
    expect(externalId.status).toBe(422);
    expect(externalId.body.detail).toEqual([
      {
        type: "value_error",
        loc: ["body", "external_id"],
        msg: "A customer with this external ID already exists.",
        input: "unique",
      },
    ]);
  });

  it("announces nothing for a refused create, update or delete", async () => {
    const held = await customer({ email: "quiet@example.com", external_id: "quiet" });
    const mark = await outboxMark(t);
    expect((await t.api.post("/v1/customers/", { email: "QUIET@example.com" })).status).toBe(422);
    expect(
      (await t.api.post("/v1/customers/", { email: "other-quiet@example.com", external_id: "quiet" })).status,
    ).toBe(422);
    expect((await t.api.post("/v1/customers/", { name: "No email" })).status).toBe(422);
    expect((await t.api.patch(`/v1/customers/${held.id}`, { external_id: "changed" })).status).toBe(422);
    expect((await t.api.patch(`/v1/customers/${randomUUID()}`, { name: "x" })).status).toBe(404);
    expect((await t.api.delete("/v1/customers/external/nobody")).status).toBe(404);
    expect(await outboxSince(t, mark)).toEqual([]);
  });

  it("two concurrent creates of one email: one customer and one announcement, the other a 422", async () => {
    const mark = await outboxMark(t);
    const answers = await Promise.all([
      t.api.post("/v1/customers/", { email: "twice@example.com" }),
      t.api.post("/v1/customers/", { email: "twice@example.com" }),
    ]);
    expect(answers.map((answer) => answer.status).sort()).toEqual([201, 422]);
    const created = answers.find((answer) => answer.status === 201)?.body;
    const records = await outboxSince(t, mark);
    expect(records.map((record) => record.type)).toEqual(["customer.created", "customer.state_changed"]);
    expect(records[0]?.data).toEqual(created);
  });

  it("rejects an update to an email or external id another customer holds", async () => {
    await customer({ email: "holder@example.com", external_id: "holder" });
    const other = await customer({ email: "mover@example.com" });
    const email = await t.api.patch(`/v1/customers/${other.id}`, { email: "holder@example.com" });
    expect(email.status).toBe(422);
    expect(email.body.detail[0]).toMatchObject({ loc: ["body", "email"] });
    const externalId = await t.api.patch(`/v1/customers/${other.id}`, { external_id: "holder" });
    expect(externalId.status).toBe(422);
    expect(externalId.body.detail[0]).toMatchObject({ loc: ["body", "external_id"] });
    expect((await t.api.get(`/v1/customers/${other.id}`)).body).toMatchObject({
      email: "mover@example.com",
      external_id: null,
    });
  });

  it("keeps an external id immutable once set", async () => {
    const created = await customer({ email: "fixed@example.com", external_id: "fixed" });
    const response = await t.api.patch(`/v1/customers/${created.id}`, { external_id: "changed" });
    expect(response.status).toBe(422);
    expect(response.body).toEqual({
      error: "PolarRequestValidationError",
      detail: [
        {
          type: "value_error",
          loc: ["body", "external_id"],
          msg: "Customer external ID cannot be updated.",
          input: "changed",
        },
      ],
    });
    expect((await t.api.get("/v1/customers/external/fixed")).body.id).toBe(created.id);
  });

  it("validates path ids as UUID4", async () => {
    const parsing = await t.api.get("/v1/customers/not-a-uuid");
    expect(parsing.status).toBe(422);
    expect(parsing.body.detail[0]).toMatchObject({ type: "uuid_parsing", loc: ["path", "id"] });
    const version = await t.api.get("/v1/customers/a8098c1a-f86e-11da-bd1a-00112444be1e");
    expect(version.body.detail[0]).toMatchObject({ type: "uuid_version", loc: ["path", "id"] });
  });

  it("requires an email and enforces Polar's metadata limits", async () => {
    const missing = await t.api.post("/v1/customers/", {});
    expect(missing.status).toBe(422);
    expect(missing.body.detail).toEqual([expect.objectContaining({ type: "missing", loc: ["body", "email"] })]);
    const tooMany = Object.fromEntries(Array.from({ length: 51 }, (_, index) => [`k${index}`, index]));
    const cases: Array<[Record<string, unknown>, string]> = [
      [tooMany, "too_long"],
      [{ ["k".repeat(41)]: 1 }, "string_too_long"],
      [{ k: "v".repeat(501) }, "string_too_long"],
      [{ k: "" }, "string_too_short"],
      [{ k: { nested: 1 } }, "string_type"],
    ];
    for (const [metadata, type] of cases) {
      const response = await t.api.post("/v1/customers/", { email: `meta-${type}@example.com`, metadata });
      expect(response.status, type).toBe(422);
      expect(response.body.detail[0].loc.slice(0, 2), type).toEqual(["body", "metadata"]);
      expect(
        response.body.detail.map((item: { type: string }) => item.type),
        type,
      ).toContain(type);
    }
  });

  it("applies the organization rules of a create body", async () => {
    const withOrganization = await t.api.post("/v1/customers/", {
      email: "o@example.com",
      organization_id: t.organizationId,
    });
    expect(withOrganization.body.detail).toEqual([
      {
        type: "organization_token",
        loc: ["body", "organization_id"],
        msg: "Setting organization_id is disallowed when using an organization token.",
        input: t.organizationId,
      },
    ]);
    const missing = await t.admin.post("/v1/customers/", { email: "p@example.com" });
    expect(missing.status).toBe(422);
    expect(missing.body.detail[0]).toMatchObject({
      type: "missing",
      loc: ["body", "organization_id"],
      msg: "organization_id is required.",
    });
    const foreign = await t.admin.post("/v1/customers/", { email: "q@example.com", organization_id: randomUUID() });
    expect(foreign.body.detail[0]).toMatchObject({ loc: ["body", "organization_id"], msg: "Organization not found." });
  });
});
