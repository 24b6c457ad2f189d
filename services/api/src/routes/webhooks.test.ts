import { randomUUID } from "node:crypto";
import { formatDateTime } from "@meterline/api-schema";
import { FixedClock, randomIdGenerator, type WebhookEventStatus, type WebhookEventType } from "@meterline/core";
import type { NewWebhookEvent } from "@meterline/postgres";
import { type Adapters, embeddedConfig, openAdapters } from "@meterline/runtime";
import type { FastifyInstance, InjectOptions } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bootstrap } from "../admin/bootstrap.js";
import { createOrganization, issueAccessToken } from "../admin/organizations.js";
import { buildApp } from "../app.js";
import { type ApiDeps, createApiDeps } from "../deps.js";
import { apiRoutes } from "../index.js";
import type { WebhookUrlPolicy } from "../webhooks/webhook-url-policy.js";

// biome-ignore lint/suspicious/noExplicitAny: response bodies are JSON the tests assert on field by field.
type Json = any;

const ORGANIZATION_TOKEN = "polar_oat_webhookRoutesTestToken0001";
const ADMIN_TOKEN = "polar_pat_webhookRoutesTestAdmin0001";
const NOT_FOUND = { error: "ResourceNotFound", detail: "Not found" };
const UUID4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const ENDPOINT_KEYS = ["created_at", "events", "format", "id", "modified_at", "organization_id", "url"];

let adapters: Adapters;
let deps: ApiDeps;
let clock: FixedClock;
let organizationId: string;
let app: FastifyInstance;
const apps: FastifyInstance[] = [];

interface Reply {
  status: number;
  body: Json;
  text: string;
  headers: Record<string, unknown>;
}

/** `app.inject()` with a bearer token (or none) and JSON in and out. */
function client(token: string | null, target?: FastifyInstance) {
  async function request(method: InjectOptions["method"], url: string, body?: unknown): Promise<Reply> {
    const headers: Record<string, string> = { accept: "application/json" };
    if (token !== null) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers["content-type"] = "application/json";
    const response = await (target ?? app).inject({
      method,
      url,
      headers,
      ...(body !== undefined && { payload: JSON.stringify(body) }),
    });
    const text = response.body;
    return {
      status: response.statusCode,
      body: text === "" ? undefined : JSON.parse(text),
      text,
      headers: response.headers,
    };
  }
  return {
    request,
    get: (url: string) => request("GET", url),
    post: (url: string, body?: unknown) => request("POST", url, body),
    patch: (url: string, body: unknown) => request("PATCH", url, body),
    delete: (url: string) => request("DELETE", url),
    /** A create setup depends on: anything but 201 fails with the response. */
    async create(body: Record<string, unknown>): Promise<Json> {
      const response = await request("POST", "/v1/webhooks/endpoints", body);
      expect(response.status, response.text).toBe(201);
      return response.body;
    },
  };
}

/** The deps and app of a deployment with another URL policy, on the same database. */
async function appWithPolicy(webhookUrlPolicy: WebhookUrlPolicy): Promise<FastifyInstance> {
  const policyDeps = createApiDeps({ ...adapters, clock, ids: randomIdGenerator, webhookUrlPolicy });
  const built = await buildApp(policyDeps, { routes: [apiRoutes], docs: false });
  apps.push(built);
  return built;
}

/** A new organization and an organization token for it (all scopes unless told). */
async function organization(slug: string, scopes?: readonly string[]) {
  const created = await createOrganization(deps, { name: slug, slug });
  const { token } = await issueAccessToken(deps, { kind: "organization", organizationId: created.id, scopes });
  return { id: created.id, api: client(token) };
}

function endpointBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    url: "https://example.com/hooks",
    format: "raw",
    secret: "polar-test-secret",
    events: ["order.created", "subscription.updated"],
    ...overrides,
  };
}

function locs(response: Reply): unknown[] {
  return response.body.detail.map((item: { loc: unknown[] }) => item.loc);
}

beforeAll(async () => {
  clock = new FixedClock("2025-06-02T12:00:00Z");
  adapters = await openAdapters(embeddedConfig(), { clock, ids: randomIdGenerator });
  deps = createApiDeps({ ...adapters, clock, ids: randomIdGenerator });
  const boot = await bootstrap(deps, { organizationToken: ORGANIZATION_TOKEN, adminToken: ADMIN_TOKEN });
  if (boot === null) throw new Error("bootstrap created nothing");
  organizationId = boot.organizationId;
  app = await buildApp(deps, { routes: [apiRoutes] });
  apps.push(app);
});
afterAll(async () => {
  for (const built of apps) await built.close();
  await adapters.close();
});

const api = () => client(ORGANIZATION_TOKEN);
const admin = () => client(ADMIN_TOKEN);

describe("201", () => {
  it("creates an endpoint and shows its secret this once", async () => {
    const response = await api().post("/v1/webhooks/endpoints", endpointBody({ url: "https://Example.com" }));
    expect(response.status).toBe(201);
    expect(Object.keys(response.body).sort()).toEqual([...ENDPOINT_KEYS, "secret"].sort());
    expect(response.body).toMatchObject({
      created_at: "2025-06-02T12:00:00Z",
      modified_at: null,
      // Normalized as pydantic's HttpUrl renders it.
      url: "https://example.com/",
      format: "raw",
      secret: "polar-test-secret",
      events: ["order.created", "subscription.updated"],
      organization_id: organizationId,
    });
    expect(response.body.id).toMatch(UUID4);
    const stored = await deps.webhookEndpoints.get([organizationId], response.body.id);
    expect(stored).toMatchObject({ secret: "polar-test-secret", deletedAt: null });
  });

  it("accepts an empty event list, each format, and a personal token naming its organization", async () => {
    for (const format of ["raw", "discord", "slack"]) {
      const created = await api().create(endpointBody({ format, events: [] }));
      expect(created).toMatchObject({ format, events: [] });
    }
    const created = await admin().create(endpointBody({ organization_id: organizationId }));
    expect(created.organization_id).toBe(organizationId);
  });
});

describe("200", () => {
  it("gets an endpoint without its secret", async () => {
    const created = await api().create(endpointBody());
    const response = await api().get(`/v1/webhooks/endpoints/${created.id}`);
    expect(response.status).toBe(200);
    expect(Object.keys(response.body).sort()).toEqual(ENDPOINT_KEYS);
    const { secret: _secret, ...withoutSecret } = created;
    expect(response.body).toEqual(withoutSecret);
  });

  it("lists newest first, paged, narrowed by organization_id, never with secrets", async () => {
    const { id, api: own } = await organization("webhook-list");
    const urls = ["https://a.example.com/", "https://b.example.com/", "https://c.example.com/"];
    for (const url of urls) {
      clock.advance(1000);
      await own.create(endpointBody({ url }));
    }
    const all = await own.get("/v1/webhooks/endpoints");
    expect(all.status).toBe(200);
    expect(all.body.pagination).toEqual({ total_count: 3, max_page: 1 });
    expect(all.body.items.map((item: Json) => item.url)).toEqual([...urls].reverse());
    for (const item of all.body.items) expect(Object.keys(item).sort()).toEqual(ENDPOINT_KEYS);

    const second = await own.get("/v1/webhooks/endpoints?limit=2&page=2");
    expect(second.body).toMatchObject({ pagination: { total_count: 3, max_page: 2 } });
    expect(second.body.items.map((item: Json) => item.url)).toEqual([urls[0]]);
    expect((await own.get(`/v1/webhooks/endpoints?organization_id=${id}`)).body.pagination.total_count).toBe(3);
    // An organization token can only narrow: another organization's id is an empty list.
    const foreign = await own.get(`/v1/webhooks/endpoints?organization_id=${organizationId}`);
    expect(foreign.body).toEqual({ items: [], pagination: { total_count: 0, max_page: 0 } });
  });

  it("updates the fields sent, ignores nulls, and keeps the secret out of the answer", async () => {
    const created = await api().create(endpointBody());
    clock.advance(60_000);
    const response = await api().patch(`/v1/webhooks/endpoints/${created.id}`, {
      url: "https://hooks.example.org/new",
      format: "slack",
      events: ["customer.created"],
      secret: "rotated",
    });
    expect(response.status).toBe(200);
    expect(Object.keys(response.body).sort()).toEqual(ENDPOINT_KEYS);
    expect(response.body).toMatchObject({
      id: created.id,
      created_at: created.created_at,
      modified_at: formatDateTime(clock.now()),
      url: "https://hooks.example.org/new",
      format: "slack",
      events: ["customer.created"],
    });
    expect((await deps.webhookEndpoints.get([organizationId], created.id))?.secret).toBe("rotated");

    clock.advance(60_000);
    const nulls = await api().patch(`/v1/webhooks/endpoints/${created.id}`, {
      url: null,
      format: null,
      secret: null,
      events: [],
    });
    expect(nulls.status).toBe(200);
    expect(nulls.body).toMatchObject({ url: "https://hooks.example.org/new", format: "slack", events: [] });
    expect(nulls.body.modified_at).toBe(formatDateTime(clock.now()));
    expect((await deps.webhookEndpoints.get([organizationId], created.id))?.secret).toBe("rotated");
  });

  it("leaves modified_at alone when nothing changes", async () => {
    const created = await api().create(endpointBody());
    clock.advance(1000);
    const same = await api().patch(`/v1/webhooks/endpoints/${created.id}`, { format: "raw", url: null });
    expect(same.status).toBe(200);
    expect(same.body.modified_at).toBeNull();
  });

  it("redirects a POST to the slashed collection path to the canonical one", async () => {
    const response = await api().post("/v1/webhooks/endpoints/", endpointBody());
    expect(response.status).toBe(307);
    expect(String(response.headers.location)).toMatch(/\/v1\/webhooks\/endpoints$/);
  });

  // Spec §1.2: Fastify matches `/v1/webhooks/endpoints/` to `/v1/webhooks/endpoints/:id` with an
  // empty id; the registry hands such a request to the routing fallback, before auth.
  it("redirects GET, PATCH and DELETE of the slashed collection path to the canonical one, before auth", async () => {
    for (const method of ["GET", "PATCH", "DELETE"] as const) {
      const response = await client(null).request(method, "/v1/webhooks/endpoints/");
      expect(response.status, method).toBe(307);
      expect(String(response.headers.location)).toMatch(/\/v1\/webhooks\/endpoints$/);
    }
  });

  it("documents the routes in the OpenAPI document", async () => {
    const document = (await api().get("/openapi.json")).body;
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining([
        "/v1/webhooks/endpoints",
        "/v1/webhooks/endpoints/{id}",
        "/v1/webhooks/deliveries",
        "/v1/webhooks/events/{id}/redeliver",
      ]),
    );
  });
});

describe("204", () => {
  it("soft-deletes: empty body, then 404 everywhere and gone from the list", async () => {
    const { api: own } = await organization("webhook-delete");
    const created = await own.create(endpointBody());
    const response = await own.delete(`/v1/webhooks/endpoints/${created.id}`);
    expect(response.status).toBe(204);
    expect(response.text).toBe("");
    expect((await own.get(`/v1/webhooks/endpoints/${created.id}`)).body).toEqual(NOT_FOUND);
    expect((await own.patch(`/v1/webhooks/endpoints/${created.id}`, { format: "slack" })).status).toBe(404);
    expect((await own.delete(`/v1/webhooks/endpoints/${created.id}`)).status).toBe(404);
    expect((await own.get("/v1/webhooks/endpoints")).body.pagination.total_count).toBe(0);
    const row = await deps.webhookEndpoints.byId(created.id);
    expect(row?.deletedAt).toEqual(clock.now());
  });
});

describe("401 and 403", () => {
  it("refuses a request without a token before looking at the body", async () => {
    const anonymous = client(null);
    const response = await anonymous.post("/v1/webhooks/endpoints", { url: "ftp://x" });
    expect(response.status).toBe(401);
    expect(response.body).toEqual({ error: "Unauthorized", detail: "Unauthorized" });
    expect((await anonymous.get("/v1/webhooks/deliveries")).status).toBe(401);
  });

  it("lets webhooks:read read but not write; other scopes do neither", async () => {
    const created = await api().create(endpointBody());
    const { token } = await issueAccessToken(deps, {
      kind: "organization",
      organizationId,
      scopes: ["webhooks:read"],
    });
    const reader = client(token);
    expect((await reader.get("/v1/webhooks/endpoints")).status).toBe(200);
    expect((await reader.get(`/v1/webhooks/endpoints/${created.id}`)).status).toBe(200);
    expect((await reader.get("/v1/webhooks/deliveries")).status).toBe(200);
    const writes = [
      await reader.post("/v1/webhooks/endpoints", endpointBody()),
      await reader.patch(`/v1/webhooks/endpoints/${created.id}`, { format: "slack" }),
      await reader.delete(`/v1/webhooks/endpoints/${created.id}`),
      await reader.post(`/v1/webhooks/events/${randomUUID()}/redeliver`),
    ];
    for (const response of writes) {
      expect(response.status).toBe(403);
      expect(response.body.error).toBe("insufficient_scope");
    }
    expect((await api().get(`/v1/webhooks/endpoints/${created.id}`)).body.format).toBe("raw");

    const { api: other } = await organization("webhook-no-scope", ["customers:write"]);
    expect((await other.get("/v1/webhooks/endpoints")).status).toBe(403);
    expect((await other.get("/v1/webhooks/deliveries")).status).toBe(403);
  });
});

describe("404", () => {
  it("hides another organization's endpoint from get, update and delete", async () => {
    const { api: other } = await organization("webhook-other");
    const foreign = await other.create(endpointBody());
    expect((await api().get(`/v1/webhooks/endpoints/${foreign.id}`)).body).toEqual(NOT_FOUND);
    expect((await api().patch(`/v1/webhooks/endpoints/${foreign.id}`, { format: "slack" })).status).toBe(404);
    expect((await api().delete(`/v1/webhooks/endpoints/${foreign.id}`)).status).toBe(404);
    const { secret: _secret, ...unchanged } = foreign;
    expect((await other.get(`/v1/webhooks/endpoints/${foreign.id}`)).body).toEqual(unchanged);
  });

  it("answers an unknown id with ResourceNotFound", async () => {
    const response = await api().get(`/v1/webhooks/endpoints/${randomUUID()}`);
    expect(response.status).toBe(404);
    expect(response.body).toEqual(NOT_FOUND);
  });
});

describe("422", () => {
  it("lists every missing field at once", async () => {
    const response = await api().post("/v1/webhooks/endpoints", {});
    expect(response.status).toBe(422);
    expect(response.body.error).toBe("RequestValidationError");
    expect(locs(response)).toEqual([
      ["body", "url"],
      ["body", "format"],
      ["body", "secret"],
      ["body", "events"],
    ]);
    for (const item of response.body.detail) expect(item.type).toBe("missing");
  });

  it("names each bad field with pydantic's type", async () => {
    const cases: Array<[Record<string, unknown>, unknown[], string]> = [
      [{ url: "ftp://example.com/hook" }, ["body", "url"], "url_scheme"],
      [{ url: `https://example.com/${"a".repeat(2064)}` }, ["body", "url"], "url_too_long"],
      [{ url: "not a url" }, ["body", "url"], "url_parsing"],
      [{ url: 42 }, ["body", "url"], "url_type"],
      [{ format: "xml" }, ["body", "format"], "enum"],
      [{ secret: "" }, ["body", "secret"], "string_too_short"],
      [{ secret: 7 }, ["body", "secret"], "string_type"],
      [{ events: ["order.created", "order.exploded"] }, ["body", "events", 1], "enum"],
      [{ events: "order.created" }, ["body", "events"], "list_type"],
      [{ organization_id: "nope" }, ["body", "organization_id"], "uuid_parsing"],
    ];
    for (const [overrides, loc, type] of cases) {
      const response = await api().post("/v1/webhooks/endpoints", endpointBody(overrides));
      expect(response.status, JSON.stringify(overrides)).toBe(422);
      expect(response.body.detail, JSON.stringify(overrides)).toEqual([expect.objectContaining({ loc, type })]);
    }
    const longUrl = `https://example.com/${"a".repeat(2063)}`;
    expect(longUrl).toHaveLength(2083);
    expect((await api().post("/v1/webhooks/endpoints", endpointBody({ url: longUrl }))).status).toBe(201);
  });

  it("applies the organization rules of §3.5", async () => {
    const withId = await api().post("/v1/webhooks/endpoints", endpointBody({ organization_id: organizationId }));
    expect(withId.body.detail).toEqual([
      expect.objectContaining({ type: "organization_token", loc: ["body", "organization_id"] }),
    ]);
    const missing = await admin().post("/v1/webhooks/endpoints", endpointBody());
    expect(missing.body.detail).toEqual([
      expect.objectContaining({
        type: "missing",
        loc: ["body", "organization_id"],
        msg: "organization_id is required.",
      }),
    ]);
    const { id: foreign } = await organization("webhook-not-member");
    const notMember = await admin().post("/v1/webhooks/endpoints", endpointBody({ organization_id: foreign }));
    expect(notMember.status).toBe(422);
    expect(notMember.body.detail[0]).toMatchObject({
      loc: ["body", "organization_id"],
      msg: "Organization not found.",
    });
  });

  it("refuses private addresses where the policy does, except allowed hosts", async () => {
    const strict = client(ORGANIZATION_TOKEN, await appWithPolicy({ allowPrivateNetworks: false, allowedHosts: [] }));
    for (const url of ["https://127.0.0.1/hook", "http://10.1.2.3:8080/", "https://localhost/x", "https://[::1]/"]) {
      const response = await strict.post("/v1/webhooks/endpoints", endpointBody({ url }));
      expect(response.status, url).toBe(422);
      expect(response.body.detail, url).toEqual([
        {
          type: "value_error",
          loc: ["body", "url"],
          msg: "URL should not point to a private or loopback address",
          input: url,
        },
      ]);
    }
    expect((await strict.post("/v1/webhooks/endpoints", endpointBody())).status).toBe(201);
    // Reported with the body's other problems, in one answer.
    const together = await strict.post(
      "/v1/webhooks/endpoints",
      endpointBody({ url: "https://10.0.0.1/", secret: "" }),
    );
    expect(locs(together)).toEqual([
      ["body", "secret"],
      ["body", "url"],
    ]);

    const allowing = client(
      ORGANIZATION_TOKEN,
      await appWithPolicy({ allowPrivateNetworks: false, allowedHosts: ["127.0.0.1"] }),
    );
    const local = await allowing.post("/v1/webhooks/endpoints", endpointBody({ url: "http://127.0.0.1:9999/hook" }));
    expect(local.status).toBe(201);
    expect(local.body.url).toBe("http://127.0.0.1:9999/hook");
    expect((await allowing.post("/v1/webhooks/endpoints", endpointBody({ url: "https://10.0.0.1/" }))).status).toBe(
      422,
    );
    const created = await allowing.create(endpointBody());
    const update = await allowing.patch(`/v1/webhooks/endpoints/${created.id}`, { url: "https://192.168.1.1/" });
    expect(update.status).toBe(422);
    expect(locs(update)).toEqual([["body", "url"]]);
  });

  it("changes nothing when a create or an update is refused", async () => {
    const { api: own } = await organization("webhook-unchanged");
    const refused = await own.post("/v1/webhooks/endpoints", endpointBody({ events: ["nope"] }));
    expect(refused.status).toBe(422);
    expect((await own.get("/v1/webhooks/endpoints")).body.pagination.total_count).toBe(0);

    const created = await own.create(endpointBody());
    const before = await deps.webhookEndpoints.byId(created.id);
    clock.advance(1000);
    const update = await own.patch(`/v1/webhooks/endpoints/${created.id}`, {
      url: "ftp://example.com/",
      format: "xml",
      secret: "",
      events: ["order.created", 3],
    });
    expect(update.status).toBe(422);
    expect(locs(update)).toEqual([
      ["body", "url"],
      ["body", "format"],
      ["body", "secret"],
      ["body", "events", 1],
    ]);
    expect(await deps.webhookEndpoints.byId(created.id)).toEqual(before);
  });

  it("validates path ids and list queries", async () => {
    const badId = await api().get("/v1/webhooks/endpoints/not-a-uuid");
    expect(badId.body.detail).toEqual([expect.objectContaining({ type: "uuid_parsing", loc: ["path", "id"] })]);
    const badEvent = await api().post("/v1/webhooks/events/123/redeliver");
    expect(badEvent.body.detail).toEqual([expect.objectContaining({ loc: ["path", "id"] })]);
    const badFilter = await api().get(`/v1/webhooks/deliveries?endpoint_id=${randomUUID()}&endpoint_id=abc`);
    expect(badFilter.body.detail).toEqual([
      expect.objectContaining({ type: "uuid_parsing", loc: ["query", "endpoint_id", 1] }),
    ]);
    const badPage = await api().get("/v1/webhooks/endpoints?limit=0&page=x");
    expect(locs(badPage)).toEqual([
      ["query", "page"],
      ["query", "limit"],
    ]);
  });
});

describe("deliveries and redelivery", () => {
  let own: ReturnType<typeof client>;
  let ownId: string;
  let first: Json;
  let second: Json;
  let retried: NewWebhookEvent;
  let delivered: NewWebhookEvent;

  function event(endpointId: string, lane: string, type: WebhookEventType): NewWebhookEvent {
    const now = clock.now();
    return {
      id: randomUUID(),
      organizationId: ownId,
      endpointId,
      outboxId: randomUUID(),
      lane,
      createdAt: now,
      modifiedAt: null,
      type,
      payload: JSON.stringify({ type, data: { id: randomUUID() } }),
      status: "pending",
      succeeded: null,
      lastHttpCode: null,
      attempts: 0,
      nextAttemptAt: now,
    };
  }

  /** What the worker does for one attempt: claim the lane head, record the outcome. */
  async function attempt(
    sent: NewWebhookEvent,
    outcome: { httpCode: number | null; status: WebhookEventStatus; response?: string; error?: string },
  ): Promise<void> {
    clock.advance(1000);
    const now = clock.now();
    const leases = await deps.webhookEvents.claimDue(now, now, new Date(now.getTime() + 60_000), 1, {
      endpointId: sent.endpointId,
      lane: sent.lane,
    });
    const lease = leases[0];
    if (lease === undefined || lease.eventId !== sent.id) throw new Error(`no claim for ${sent.id}`);
    const current = await deps.webhookEvents.get(sent.id);
    const held = await deps.webhookEvents.recordAttempt(lease, {
      delivery: {
        id: randomUUID(),
        organizationId: sent.organizationId,
        endpointId: sent.endpointId,
        webhookEventId: sent.id,
        createdAt: now,
        attempt: (current?.attempts ?? 0) + 1,
        succeeded: outcome.status === "succeeded",
        httpCode: outcome.httpCode,
        response: outcome.response ?? null,
        error: outcome.error ?? null,
        durationMs: 12,
      },
      status: outcome.status,
      nextAttemptAt: now,
    });
    expect(held).toBe(true);
  }

  beforeAll(async () => {
    clock.set("2025-06-03T00:00:00Z");
    ({ id: ownId, api: own } = await organization("webhook-deliveries"));
    first = await own.create(endpointBody());
    second = await own.create(endpointBody({ url: "https://second.example.com/" }));
    retried = event(first.id, "customer-1", "order.created");
    delivered = event(second.id, "", "product.updated");
    await deps.webhookEvents.insert([retried, delivered]);
    await attempt(retried, { httpCode: 500, status: "pending", response: "oops" });
    await attempt(delivered, { httpCode: 200, status: "succeeded", response: "ok" });
    await attempt(retried, { httpCode: null, status: "failed", error: "timeout" });
  });

  it("lists every attempt newest first, each with its event", async () => {
    const response = await own.get("/v1/webhooks/deliveries");
    expect(response.status).toBe(200);
    expect(response.body.pagination).toEqual({ total_count: 3, max_page: 1 });
    const [latest, middle, oldest] = response.body.items;
    expect(latest).toEqual({
      id: expect.stringMatching(UUID4),
      created_at: "2025-06-03T00:00:03Z",
      modified_at: null,
      http_code: null,
      succeeded: false,
      webhook_event: {
        id: retried.id,
        created_at: "2025-06-03T00:00:00Z",
        modified_at: "2025-06-03T00:00:03Z",
        last_http_code: null,
        succeeded: false,
        payload: retried.payload,
        type: "order.created",
      },
      attempt: 2,
      response: null,
      duration_ms: 12,
      error: "timeout",
    });
    expect(middle).toMatchObject({
      http_code: 200,
      succeeded: true,
      attempt: 1,
      response: "ok",
      error: null,
      webhook_event: { id: delivered.id, succeeded: true, last_http_code: 200, type: "product.updated" },
    });
    expect(oldest).toMatchObject({ http_code: 500, succeeded: false, attempt: 1, response: "oops" });
    expect(oldest.webhook_event.id).toBe(retried.id);
  });

  it("filters by endpoint_id (repeatable) and pages", async () => {
    const ofSecond = await own.get(`/v1/webhooks/deliveries?endpoint_id=${second.id}`);
    expect(ofSecond.body.items.map((item: Json) => item.webhook_event.id)).toEqual([delivered.id]);
    const ofBoth = await own.get(`/v1/webhooks/deliveries?endpoint_id=${first.id}&endpoint_id=${second.id}`);
    expect(ofBoth.body.pagination.total_count).toBe(3);
    const page = await own.get("/v1/webhooks/deliveries?limit=1&page=2");
    expect(page.body.pagination).toEqual({ total_count: 3, max_page: 3 });
    expect(page.body.items.map((item: Json) => item.webhook_event.id)).toEqual([delivered.id]);
    // Another organization sees none of them, even naming the endpoint.
    const foreign = await api().get(`/v1/webhooks/deliveries?endpoint_id=${first.id}`);
    expect(foreign.body).toEqual({ items: [], pagination: { total_count: 0, max_page: 0 } });
  });

  it("redelivers: 202 null, the event is pending again with a fresh budget, a dispatch is queued", async () => {
    const dispatches = async () =>
      (
        await deps.db.query<{ count: number }>(
          "SELECT count(*)::int AS count FROM jobs WHERE name = 'webhooks.dispatch'",
        )
      )[0]?.count ?? 0;
    const queuedBefore = await dispatches();
    clock.advance(1000);
    const response = await own.post(`/v1/webhooks/events/${retried.id}/redeliver`);
    expect(response.status).toBe(202);
    expect(response.text).toBe("null");
    expect(await deps.webhookEvents.get(retried.id)).toMatchObject({
      status: "pending",
      attempts: 0,
      nextAttemptAt: clock.now(),
    });
    expect(await dispatches()).toBe(queuedBefore + 1);

    // The worker's next send of it is a new delivery record, first of the new budget.
    await attempt(retried, { httpCode: 204, status: "succeeded" });
    const listed = await own.get(`/v1/webhooks/deliveries?endpoint_id=${first.id}`);
    expect(listed.body.pagination.total_count).toBe(3);
    expect(listed.body.items[0]).toMatchObject({
      http_code: 204,
      succeeded: true,
      attempt: 1,
      webhook_event: { id: retried.id, succeeded: true, last_http_code: 204 },
    });
  });

  it("answers 404 for an unknown event, another organization's, or one of a deleted endpoint", async () => {
    expect((await own.post(`/v1/webhooks/events/${randomUUID()}/redeliver`)).body).toEqual(NOT_FOUND);
    const foreign = await api().post(`/v1/webhooks/events/${delivered.id}/redeliver`);
    expect(foreign.status).toBe(404);
    expect(foreign.body).toEqual(NOT_FOUND);
    expect(await deps.webhookEvents.get(delivered.id)).toMatchObject({ status: "succeeded", attempts: 1 });

    expect((await own.delete(`/v1/webhooks/endpoints/${second.id}`)).status).toBe(204);
    expect((await own.post(`/v1/webhooks/events/${delivered.id}/redeliver`)).status).toBe(404);
    expect(await deps.webhookEvents.get(delivered.id)).toMatchObject({ status: "succeeded", attempts: 1 });
  });
});
