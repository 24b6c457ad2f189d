import { randomUUID } from "node:crypto";
import { ListResourceOrganization$inboundSchema } from "@polar-sh/sdk/models/components/listresourceorganization.js";
import { Organization$inboundSchema } from "@polar-sh/sdk/models/components/organization.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { outboxMark, outboxSince, parseAnnouncement } from "../support/outbox-records.js";
import { parseWithSdk } from "../support/parse-with-sdk.js";
import { startTestEngine, type TestEngine } from "../support/test-engine.js";

let t: TestEngine;

beforeAll(async () => {
  t = await startTestEngine();
});
afterAll(() => t.stop());

describe("201", () => {
  it("creates an organization with a personal token; the creator can use it at once", async () => {
    const response = await t.admin.post("/v1/organizations/", { name: "Acme Inc", slug: "Acme-Inc" });
    expect(response.status).toBe(201);
    const organization = parseWithSdk(Organization$inboundSchema, response.body);
    expect(organization).toMatchObject({ name: "Acme Inc", slug: "acme-inc", modifiedAt: null });
    expect(response.body.created_at).toBe("2025-06-02T12:00:00Z");
    expect((await t.admin.get(`/v1/organizations/${organization.id}`)).status).toBe(200);
  });

  it("mints an organization access token that works for its organization only", async () => {
    const organization = await t.admin.expectStatus(201, "POST", "/v1/organizations/", {
      name: "Token Org",
      slug: "token-org",
    });
    const response = await t.admin.post("/v1/organization-access-tokens/", {
      organization_id: organization.id,
      comment: "ci",
      scopes: ["meters:read", "organizations:read"],
    });
    expect(response.status).toBe(201);
    expect(response.body.token).toMatch(/^polar_oat_[0-9A-Za-z]{43}$/);
    expect(response.body.organization_access_token).toMatchObject({
      organization_id: organization.id,
      scopes: ["meters:read", "organizations:read"],
      expires_at: null,
      comment: "ci",
    });
    const client = t.api.withToken(response.body.token);
    const listed = await client.get("/v1/organizations/");
    expect(listed.body.items.map((item: { id: string }) => item.id)).toEqual([organization.id]);
  });
});

describe("200", () => {
  it("lists the caller's organizations: one for an organization token, all memberships for a personal token", async () => {
    const own = await t.api.get("/v1/organizations/");
    expect(own.status).toBe(200);
    expect(
      parseWithSdk(ListResourceOrganization$inboundSchema, own.body).items.map((item: { id: string }) => item.id),
    ).toEqual([t.organizationId]);
    const all = await t.admin.get("/v1/organizations/?limit=100");
    expect(all.body.items.map((item: { id: string }) => item.id)).toContain(t.organizationId);
    expect(all.body.pagination.total_count).toBe(all.body.items.length);
  });

  it("filters by slug and sorts by name", async () => {
    for (const slug of ["zulu-org", "alpha-org"]) {
      await t.admin.expectStatus(201, "POST", "/v1/organizations/", {
        name: slug.replace("-org", " organization"),
        slug,
      });
    }
    const bySlug = await t.admin.get("/v1/organizations/?slug=alpha-org");
    expect(bySlug.body.items.map((item: { slug: string }) => item.slug)).toEqual(["alpha-org"]);
    const byName = (await t.admin.get("/v1/organizations/?sorting=-name&limit=100")).body.items.map(
      (item: { name: string }) => item.name,
    );
    expect(byName).toEqual([...byName].sort().reverse());
  });

  it("gets and updates the caller's organization", async () => {
    const got = await t.api.get(`/v1/organizations/${t.organizationId}`);
    expect(got.status).toBe(200);
    parseWithSdk(Organization$inboundSchema, got.body);
    t.clock.advance(1000);
    const mark = await outboxMark(t);
    const updated = await t.api.patch(`/v1/organizations/${t.organizationId}`, {
      name: "Renamed organization",
      website: "https://acme.example",
    });
    expect(updated.status).toBe(200);
    expect(parseWithSdk(Organization$inboundSchema, updated.body)).toMatchObject({
      name: "Renamed organization",
      // pydantic HttpUrl normalizes an empty path to "/", as Polar answers.
      website: "https://acme.example/",
      slug: got.body.slug,
    });
    expect(updated.body.modified_at).toBe("2025-06-02T12:00:01Z");
    expect((await t.api.get(`/v1/organizations/${t.organizationId}`)).body.name).toBe("Renamed organization");
    // organization.updated carries the organization as the update answered it.
    const records = await outboxSince(t, mark);
    expect(records).toEqual([{ type: "organization.updated", data: updated.body }]);
    expect(records.map(parseAnnouncement)).toMatchObject([
      { type: "organization.updated", data: { id: t.organizationId, name: "Renamed organization" } },
    ]);
  });
});

describe("404", () => {
  it("answers an unknown organization id", async () => {
    const response = await t.api.get(`/v1/organizations/${randomUUID()}`);
    expect(response.status).toBe(404);
    expect(response.body).toEqual({ error: "ResourceNotFound", detail: "Not found" });
  });
});

describe("422", () => {
  it("rejects a slug that is taken", async () => {
    await t.admin.expectStatus(201, "POST", "/v1/organizations/", { name: "Taken", slug: "taken-slug" });
    const response = await t.admin.post("/v1/organizations/", { name: "Taken again", slug: "Taken-Slug" });
    expect(response.status).toBe(422);
    expect(response.body).toEqual({
      error: "PolarRequestValidationError",
      detail: [
        expect.objectContaining({
          type: "value_error",
          loc: ["body", "slug"],
          msg: "An organization with this slug already exists.",
        }),
      ],
    });
  });

  it("lists every missing or invalid field at once", async () => {
    const missing = await t.admin.post("/v1/organizations/", {});
    expect(missing.status).toBe(422);
    expect(missing.body.detail.map((item: { loc: unknown[]; type: string }) => [item.loc, item.type])).toEqual([
      [["body", "name"], "missing"],
      [["body", "slug"], "missing"],
    ]);
    const invalid = await t.admin.post("/v1/organizations/", { name: "ab", slug: "not a slug" });
    expect(invalid.body.detail.map((item: { loc: unknown[] }) => item.loc)).toEqual([
      ["body", "name"],
      ["body", "slug"],
    ]);
  });

  it("announces nothing for a refused organization update", async () => {
    const mark = await outboxMark(t);
    const invalid = await t.api.patch(`/v1/organizations/${t.organizationId}`, { name: "ab" });
    expect(invalid.status).toBe(422);
    expect((await t.api.patch(`/v1/organizations/${randomUUID()}`, { name: "Nobody's" })).status).toBe(404);
    expect(await outboxSince(t, mark)).toEqual([]);
  });

  it("validates the path id", async () => {
    const response = await t.api.get("/v1/organizations/nope");
    expect(response.status).toBe(422);
    expect(response.body.detail[0]).toMatchObject({ type: "uuid_parsing", loc: ["path", "id"] });
  });

  it("rejects organization_id in a token request made with an organization token, and unknown scopes", async () => {
    const withOrganization = await t.api.post("/v1/organization-access-tokens/", {
      organization_id: t.organizationId,
      scopes: ["meters:read"],
    });
    expect(withOrganization.status).toBe(422);
    expect(withOrganization.body.detail[0]).toMatchObject({
      type: "organization_token",
      loc: ["body", "organization_id"],
    });
    const badScope = await t.admin.post("/v1/organization-access-tokens/", {
      organization_id: t.organizationId,
      scopes: ["meters:read", "root"],
    });
    expect(badScope.status).toBe(422);
    expect(badScope.body.detail).toEqual([expect.objectContaining({ type: "enum", loc: ["body", "scopes", 1] })]);
    const foreign = await t.admin.post("/v1/organization-access-tokens/", {
      organization_id: randomUUID(),
      scopes: ["meters:read"],
    });
    expect(foreign.status).toBe(422);
    expect(foreign.body.detail[0]).toMatchObject({ loc: ["body", "organization_id"], msg: "Organization not found." });
  });
});
