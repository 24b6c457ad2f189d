import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestEngine, type TestEngine } from "../support/test-engine.js";

// spec api-conventions §1.2–1.3 and checklist items 1–5.
let t: TestEngine;
let meterId: string;

beforeAll(async () => {
  t = await startTestEngine();
  meterId = (
    await t.api.createMeter({
      name: "Routing meter",
      filter: { conjunction: "and", clauses: [] },
      aggregation: { func: "count" },
    })
  ).id;
});
afterAll(() => t.stop());

function pathOf(location: unknown): string {
  const url = new URL(String(location));
  return `${url.pathname}${url.search}`;
}

describe("307 slash toggle", () => {
  it("redirects a collection without its slash to the canonical path, absolute, and the target answers 200", async () => {
    const response = await t.api.get("/v1/meters");
    expect(response.status).toBe(307);
    expect(response.headers.location).toMatch(/^https?:\/\/[^/]+\/v1\/meters\/$/);
    const followed = await t.api.get(pathOf(response.headers.location));
    expect(followed.status).toBe(200);
    expect(followed.body.items.map((meter: { id: string }) => meter.id)).toEqual([meterId]);
  });

  it("removes a trailing slash from an item path and keeps the query string", async () => {
    const response = await t.api.get(
      `/v1/meters/${meterId}/quantities/?interval=day&start_timestamp=2025-06-01T00:00:00Z`,
    );
    expect(response.status).toBe(307);
    expect(pathOf(response.headers.location)).toBe(
      `/v1/meters/${meterId}/quantities?interval=day&start_timestamp=2025-06-01T00:00:00Z`,
    );
  });

  it("redirects before authenticating", async () => {
    const response = await t.api.withToken(null).get("/v1/customers");
    expect(response.status).toBe(307);
    expect(pathOf(response.headers.location)).toBe("/v1/customers/");
  });

  it("redirects a POST too, so the client replays method and body", async () => {
    const response = await t.api.post("/v1/events/ingest/", { events: [] });
    expect(response.status).toBe(307);
    expect(pathOf(response.headers.location)).toBe("/v1/events/ingest");
  });

  it("redirects whenever the toggled path is a route, whatever the method (Starlette's partial match)", async () => {
    const response = await t.api.request("PUT", "/v1/meters");
    expect(response.status).toBe(307);
    expect(pathOf(response.headers.location)).toBe("/v1/meters/");
    expect((await t.api.request("PUT", pathOf(response.headers.location))).status).toBe(405);
  });

  it("builds the Location from the forwarded scheme and host", async () => {
    const response = await t.api.get("/v1/meters", {
      "x-forwarded-proto": "https",
      "x-forwarded-host": "api.example.com",
    });
    expect(response.status).toBe(307);
    expect(response.headers.location).toBe("https://api.example.com/v1/meters/");
  });

  it("keeps the legacy prefix in the Location of a legacy request", async () => {
    const response = await t.api.get("/api/v1/meters");
    expect(response.status).toBe(307);
    expect(pathOf(response.headers.location)).toBe("/api/v1/meters/");
  });
});

describe("404 and 405", () => {
  it("answers an unknown path with the framework's body, not Polar's envelope", async () => {
    for (const path of ["/v1/does-not-exist", "/v1/does-not-exist/", "/nothing"]) {
      const response = await t.api.get(path);
      expect(response.status, path).toBe(404);
      expect(response.body).toEqual({ detail: "Not Found" });
      expect(response.headers["content-type"]).toMatch(/^application\/json/);
    }
  });

  it("answers a known path with a wrong method 405 with Allow", async () => {
    const response = await t.api.request("PUT", "/v1/meters/");
    expect(response.status).toBe(405);
    expect(response.body).toEqual({ detail: "Method Not Allowed" });
    const allow = String(response.headers.allow).split(", ");
    expect(allow).toEqual(expect.arrayContaining(["GET", "POST"]));
    expect(allow).not.toContain("PUT");
  });

  it("answers DELETE on a meter 405 (meters are permanent) and lists its methods", async () => {
    const response = await t.api.delete(`/v1/meters/${randomUUID()}`);
    expect(response.status).toBe(405);
    expect(String(response.headers.allow).split(", ")).toEqual(expect.arrayContaining(["GET", "PATCH"]));
  });
});

describe("/api/v1 legacy prefix", () => {
  it("serves /api/v1 like /v1 and adds the deprecation notice", async () => {
    const legacy = await t.api.get("/api/v1/meters/");
    const current = await t.api.get("/v1/meters/");
    expect(legacy.status).toBe(200);
    expect(legacy.body).toEqual(current.body);
    expect(legacy.headers["x-polar-deprecation-notice"]).toEqual(expect.any(String));
    expect(current.headers["x-polar-deprecation-notice"]).toBeUndefined();
  });

  it("applies authentication and 404s behind the prefix as well", async () => {
    expect((await t.api.withToken(null).get("/api/v1/meters/")).status).toBe(401);
    expect((await t.api.get(`/api/v1/meters/${randomUUID()}`)).body).toEqual({
      error: "ResourceNotFound",
      detail: "Not found",
    });
  });
});
