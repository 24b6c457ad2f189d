import { ListResourceMeter$inboundSchema } from "@polar-sh/sdk/models/components/listresourcemeter.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ApiClient } from "../support/api-client.js";
import { parseWithSdk } from "../support/parse-with-sdk.js";
import { startTestEngine, type TestEngine } from "../support/test-engine.js";

// spec api-conventions §3.3 and §3.7: exact bodies and headers of authentication failures.
const UNAUTHORIZED = { error: "Unauthorized", detail: "Unauthorized" };
const INVALID_TOKEN_DESCRIPTION =
  "The access token provided is expired, revoked, malformed, or invalid for other reasons.";
const INVALID_TOKEN = { error: "invalid_token", error_description: INVALID_TOKEN_DESCRIPTION };
const INSUFFICIENT_SCOPE = {
  error: "insufficient_scope",
  error_description: "The request requires higher privileges than provided by the access token.",
};

let t: TestEngine;
let anonymous: ApiClient;

/** An organization access token of the bootstrap organization with exactly these scopes. */
async function tokenWith(
  scopes: string[],
  extra: Record<string, unknown> = {},
): Promise<{ id: string; token: string }> {
  const body = await t.admin.expectStatus(201, "POST", "/v1/organization-access-tokens/", {
    organization_id: t.organizationId,
    comment: `scopes ${scopes.join(" ")}`,
    scopes,
    ...extra,
  });
  return { id: body.organization_access_token.id, token: body.token };
}

function expectInvalidToken(response: { status: number; headers: Record<string, unknown>; body: unknown }): void {
  expect(response.status).toBe(401);
  expect(response.body).toEqual(INVALID_TOKEN);
  expect(response.headers["www-authenticate"]).toBe(
    `Bearer realm="polar", error="invalid_token", error_description="${INVALID_TOKEN_DESCRIPTION}"`,
  );
  expect(response.headers["cache-control"]).toBe("no-store");
  expect(response.headers.pragma).toBe("no-cache");
}

beforeAll(async () => {
  t = await startTestEngine();
  anonymous = t.api.withToken(null);
});
afterAll(() => t.stop());

describe("200", () => {
  it("accepts the scheme word in any case", async () => {
    for (const scheme of ["Bearer", "bearer", "BEARER"]) {
      const response = await t.api.get("/v1/meters/", { authorization: `${scheme} ${t.api.token}` });
      expect(response.status, scheme).toBe(200);
      parseWithSdk(ListResourceMeter$inboundSchema, response.body);
    }
  });

  it("lets a read endpoint through with the read scope or the write scope", async () => {
    for (const scopes of [["meters:read"], ["meters:write"]]) {
      const { token } = await tokenWith(scopes);
      expect((await t.api.withToken(token).get("/v1/meters/")).status, scopes[0]).toBe(200);
    }
  });

  it("serves an organization access token until it expires", async () => {
    const { token } = await tokenWith(["meters:read"], { expires_in: 3600 });
    expect((await t.api.withToken(token).get("/v1/meters/")).status).toBe(200);
  });
});

describe("401", () => {
  it("answers a request without Authorization with Polar's Unauthorized envelope", async () => {
    const response = await anonymous.get("/v1/meters/");
    expect(response.status).toBe(401);
    expect(response.body).toEqual(UNAUTHORIZED);
    expect(response.headers["www-authenticate"]).toBe('Bearer realm="polar"');
    expect(response.headers["content-type"]).toMatch(/^application\/json/);
  });

  it("treats another scheme as no credentials at all", async () => {
    const response = await anonymous.get("/v1/meters/", { authorization: "Basic abc" });
    expect(response.status).toBe(401);
    expect(response.body).toEqual(UNAUTHORIZED);
    expect(response.headers["www-authenticate"]).toBe('Bearer realm="polar"');
  });

  it("answers an unknown token with invalid_token", async () => {
    expectInvalidToken(await anonymous.get("/v1/meters/", { authorization: "Bearer polar_oat_doesnotexist" }));
  });

  it("answers an empty bearer token with invalid_token", async () => {
    expectInvalidToken(await anonymous.get("/v1/meters/", { authorization: "Bearer " }));
  });

  it("rejects an organization access token once the clock passes its expiry", async () => {
    const { token } = await tokenWith(["meters:read"], { expires_in: "PT1H" });
    const client = t.api.withToken(token);
    const start = t.clock.now();
    try {
      t.clock.advance(59 * 60_000);
      expect((await client.get("/v1/meters/")).status).toBe(200);
      t.clock.advance(60_000 + 1);
      expectInvalidToken(await client.get("/v1/meters/"));
    } finally {
      t.clock.set(start);
    }
  });

  it("rejects a revoked organization access token", async () => {
    const { id, token } = await tokenWith(["meters:read"]);
    expect((await t.admin.delete(`/v1/organization-access-tokens/${id}`)).status).toBe(204);
    expectInvalidToken(await t.api.withToken(token).get("/v1/meters/"));
  });

  it("rejects a token revoked right after it was used (the lookup cache is dropped)", async () => {
    const { id, token } = await tokenWith(["meters:read"]);
    expect((await t.api.withToken(token).get("/v1/meters/")).status).toBe(200);
    expect((await t.admin.delete(`/v1/organization-access-tokens/${id}`)).status).toBe(204);
    expectInvalidToken(await t.api.withToken(token).get("/v1/meters/"));
  });

  it("rejects an organization access token on a user-only endpoint with the generic invalid_token", async () => {
    const response = await t.api.post("/v1/organizations/", { name: "Not allowed", slug: "not-allowed" });
    expectInvalidToken(response);
    expect((await t.admin.get("/v1/organizations/?slug=not-allowed")).body.items).toEqual([]);
  });

  it("authenticates before validating the path, the query and the body", async () => {
    expect((await anonymous.get("/v1/meters/not-a-uuid")).status).toBe(401);
    expect((await anonymous.get("/v1/meters/?limit=0")).status).toBe(401);
    expect((await anonymous.post("/v1/meters/", {})).status).toBe(401);
    expectInvalidToken(await anonymous.get("/v1/meters/not-a-uuid", { authorization: "Bearer polar_oat_nope" }));
  });

  it("authenticates before complaining about an empty body or a body that is not JSON", async () => {
    // FastAPI reads such bodies as "no body" / raw bytes and validates them after the auth dependency.
    const empty = await anonymous.request("POST", "/v1/meters/", {
      rawBody: "",
      headers: { "content-type": "application/json" },
    });
    expect(empty.status).toBe(401);
    expect(empty.body).toEqual(UNAUTHORIZED);
    const text = await anonymous.request("POST", "/v1/events/ingest", {
      rawBody: "{}",
      headers: { "content-type": "text/plain" },
    });
    expect(text.status).toBe(401);
  });
});

describe("403", () => {
  it("answers a token without any accepted scope with insufficient_scope naming the accepted scopes", async () => {
    const { token } = await tokenWith(["meters:read"]);
    const response = await t.api.withToken(token).post("/v1/meters/", {
      name: "Forbidden meter",
      filter: { conjunction: "and", clauses: [] },
      aggregation: { func: "count" },
    });
    expect(response.status).toBe(403);
    expect(response.body).toEqual(INSUFFICIENT_SCOPE);
    expect(response.headers["www-authenticate"]).toBe(
      `Bearer realm="polar", scope="meters:write", error="insufficient_scope", error_description="${INSUFFICIENT_SCOPE.error_description}"`,
    );
    expect((await t.api.get("/v1/meters/")).body.pagination.total_count).toBe(0);
  });

  it("lists every accepted scope of a read endpoint", async () => {
    const { token } = await tokenWith(["customers:read"]);
    const client = t.api.withToken(token);
    const meters = await client.get("/v1/meters/");
    expect(meters.status).toBe(403);
    expect(meters.headers["www-authenticate"]).toContain('scope="meters:read meters:write"');
    // customer meters and ingest have no alternative scope (spec api-conventions §3.4).
    const customerMeters = await client.get("/v1/customer-meters/");
    expect(customerMeters.status).toBe(403);
    expect(customerMeters.headers["www-authenticate"]).toContain('scope="customer_meters:read"');
    const ingest = await client.post("/v1/events/ingest", { events: [] });
    expect(ingest.status).toBe(403);
    expect(ingest.headers["www-authenticate"]).toContain('scope="events:write"');
  });

  it("checks scopes before validating the request", async () => {
    const { token } = await tokenWith(["meters:read"]);
    expect((await t.api.withToken(token).post("/v1/meters/", {})).status).toBe(403);
  });
});

describe("422", () => {
  it("rejects an unparsable JSON body before authentication", async () => {
    const response = await anonymous.request("POST", "/v1/meters/", { rawBody: '{"name": ' });
    expect(response.status).toBe(422);
    expect(response.body.error).toBe("RequestValidationError");
    expect(response.body.detail).toHaveLength(1);
    expect(response.body.detail[0]).toMatchObject({ type: "json_invalid", loc: ["body", 0], msg: "JSON decode error" });
  });

  it("reports an empty JSON body as a missing body, and a non-JSON body as not an object, once authenticated", async () => {
    const empty = await t.api.request("POST", "/v1/meters/", {
      rawBody: "",
      headers: { "content-type": "application/json" },
    });
    expect(empty.status).toBe(422);
    expect(empty.body).toEqual({
      error: "RequestValidationError",
      detail: [{ type: "missing", loc: ["body"], msg: "Field required", input: null }],
    });
    const text = await t.api.request("POST", "/v1/meters/", {
      rawBody: "{}",
      headers: { "content-type": "text/plain" },
    });
    expect(text.status).toBe(422);
    expect(text.body.detail).toEqual([expect.objectContaining({ type: "model_attributes_type", loc: ["body"] })]);
  });

  it("rejects an invalid expires_in when minting a token", async () => {
    const response = await t.admin.post("/v1/organization-access-tokens/", {
      organization_id: t.organizationId,
      scopes: ["meters:read"],
      expires_in: "soon",
    });
    expect(response.status).toBe(422);
    expect(response.body.detail).toEqual([expect.objectContaining({ loc: ["body", "expires_in"] })]);
  });
});
