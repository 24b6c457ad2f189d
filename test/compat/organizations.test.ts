import { randomUUID } from "node:crypto";
import type { Polar } from "@polar-sh/sdk";
import { HTTPValidationError } from "@polar-sh/sdk/models/errors/httpvalidationerror.js";
import { ResourceNotFound } from "@polar-sh/sdk/models/errors/resourcenotfound.js";
import { SDKError } from "@polar-sh/sdk/models/errors/sdkerror.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collectPages, polarClient, rejection } from "./sdk.js";
import { ADMIN_TOKEN, ORGANIZATION_TOKEN, type RunningServer, startServer } from "./server.js";

let server: RunningServer;
let organization: Polar;
let admin: Polar;

beforeAll(async () => {
  server = await startServer();
  organization = polarClient(server.url, ORGANIZATION_TOKEN);
  admin = polarClient(server.url, ADMIN_TOKEN);
});

afterAll(async () => {
  await server?.stop();
});

describe("organizations", () => {
  it("list: an organization token sees exactly its own organization", async () => {
    const page = await organization.organizations.list({});
    expect(page.result.pagination).toEqual({ totalCount: 1, maxPage: 1 });
    const [own] = page.result.items;
    expect(own?.slug).toBe("default");
    expect(own?.name).toBe("Default organization");
    expect(own?.createdAt).toBeInstanceOf(Date);
    expect(own?.modifiedAt).toBeNull();
    expect(own?.socials).toEqual([]);
    expect(own?.subscriptionSettings.prorationBehavior).toMatch(/^(invoice|prorate)$/);
  });

  it("create: the admin (personal) token creates an organization; 201 parsed as Organization", async () => {
    const created = await admin.organizations.create({
      name: "Compat Labs",
      slug: "compat-labs",
      email: "billing@compat.example",
      website: "https://compat.example",
      socials: [{ platform: "github", url: "https://github.com/compat" }],
      featureSettings: { issueFundingEnabled: false, usageBasedBillingEnabled: true },
      subscriptionSettings: {
        allowMultipleSubscriptions: true,
        allowCustomerUpdates: false,
        prorationBehavior: "invoice",
      },
    });
    expect(created.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(created).toMatchObject({
      name: "Compat Labs",
      slug: "compat-labs",
      email: "billing@compat.example",
      // pydantic's HttpUrl (and so Polar) normalises a bare host to end with "/".
      website: "https://compat.example/",
      avatarUrl: null,
      modifiedAt: null,
      socials: [{ platform: "github", url: "https://github.com/compat" }],
      featureSettings: { issueFundingEnabled: false, usageBasedBillingEnabled: true },
      subscriptionSettings: {
        allowMultipleSubscriptions: true,
        allowCustomerUpdates: false,
        prorationBehavior: "invoice",
      },
    });
    expect(Date.now() - created.createdAt.getTime()).toBeLessThan(60_000);
  });

  it("create: an organization access token is refused with 401 (SDKError, not a typed error)", async () => {
    const error = await rejection(organization.organizations.create({ name: "Nope Inc", slug: "nope-inc" }), SDKError);
    expect(error.statusCode).toBe(401);
    expect(JSON.parse(error.body)).toMatchObject({ error: "invalid_token" });
  });

  it("create: an invalid body surfaces as HTTPValidationError with loc/msg/type", async () => {
    const error = await rejection(admin.organizations.create({ name: "ab", slug: "has spaces" }), HTTPValidationError);
    const locations = (error.detail ?? []).map((item) => item.loc);
    expect(locations).toEqual(
      expect.arrayContaining([
        ["body", "name"],
        ["body", "slug"],
      ]),
    );
    for (const item of error.detail ?? []) {
      expect(typeof item.msg).toBe("string");
      expect(typeof item.type).toBe("string");
    }
  });

  it("get: by id, and ResourceNotFound for an unknown or foreign one", async () => {
    const [own] = (await organization.organizations.list({})).result.items;
    const fetched = await organization.organizations.get({ id: own!.id });
    expect(fetched).toEqual(own);

    const unknown = await rejection(organization.organizations.get({ id: randomUUID() }), ResourceNotFound);
    expect(unknown.error).toBe("ResourceNotFound");
    expect(unknown.detail).toBe("Not found");

    const foreign = (await admin.organizations.list({ slug: "compat-labs" })).result.items[0];
    expect(foreign).toBeDefined();
    await rejection(organization.organizations.get({ id: foreign!.id }), ResourceNotFound);
  });

  it("get: a malformed id is a 422 HTTPValidationError at path.id", async () => {
    const error = await rejection(organization.organizations.get({ id: "not-a-uuid" }), HTTPValidationError);
    expect(error.detail?.[0]).toMatchObject({ loc: ["path", "id"], type: "uuid_parsing" });
  });

  it("update: partial PATCH keeps omitted fields and sets modifiedAt", async () => {
    const [own] = (await organization.organizations.list({})).result.items;
    const updated = await organization.organizations.update({
      id: own!.id,
      organizationUpdate: { name: "Default organization (renamed)", website: "https://renamed.example" },
    });
    expect(updated.name).toBe("Default organization (renamed)");
    expect(updated.website).toBe("https://renamed.example/");
    expect(updated.slug).toBe("default");
    expect(updated.subscriptionSettings).toEqual(own!.subscriptionSettings);
    expect(updated.modifiedAt).toBeInstanceOf(Date);

    const reread = await organization.organizations.get({ id: own!.id });
    expect(reread.name).toBe("Default organization (renamed)");

    const cleared = await organization.organizations.update({ id: own!.id, organizationUpdate: { website: null } });
    expect(cleared.website).toBeNull();
    expect(cleared.name).toBe("Default organization (renamed)");

    await rejection(
      organization.organizations.update({ id: randomUUID(), organizationUpdate: { name: "Ghost" } }),
      ResourceNotFound,
    );
    const invalid = await rejection(
      organization.organizations.update({ id: own!.id, organizationUpdate: { name: "x" } }),
      HTTPValidationError,
    );
    expect(invalid.detail?.[0]?.loc).toEqual(["body", "name"]);
  });

  it("list: the admin sees every organization it belongs to, with slug filter, sorting and pages", async () => {
    for (const slug of ["compat-page-a", "compat-page-b", "compat-page-c"]) {
      await admin.organizations.create({ name: `Org ${slug}`, slug });
    }
    const all = await admin.organizations.list({ limit: 100 });
    const slugs = all.result.items.map((item) => item.slug);
    expect(slugs).toEqual(["default", "compat-labs", "compat-page-a", "compat-page-b", "compat-page-c"]);
    expect(all.result.pagination).toEqual({ totalCount: 5, maxPage: 1 });

    const bySlug = await admin.organizations.list({ slug: "compat-page-b" });
    expect(bySlug.result.items.map((item) => item.slug)).toEqual(["compat-page-b"]);

    const byName = await admin.organizations.list({ sorting: ["-name"], limit: 100 });
    const names = byName.result.items.map((item) => item.name);
    expect(names).toEqual([...names].sort().reverse());

    const { pageCount, items } = await collectPages(await admin.organizations.list({ limit: 2 }));
    expect(pageCount).toBe(3);
    expect(items.map((item) => item.slug)).toEqual(slugs);

    // The SDK validates `sorting` itself; `limit` is only checked for being an integer.
    const invalidLimit = await rejection(admin.organizations.list({ limit: 0 }), HTTPValidationError);
    expect(invalidLimit.detail?.[0]).toMatchObject({ loc: ["query", "limit"], type: "greater_than" });
  });

  it("no token at all is an SDKError 401 with Polar's Unauthorized envelope", async () => {
    const anonymous = polarClient(server.url, "");
    const error = await rejection(anonymous.organizations.list({}), SDKError);
    expect(error.statusCode).toBe(401);
    expect(JSON.parse(error.body)).toEqual({ error: "Unauthorized", detail: "Unauthorized" });
  });

  it("an unknown token is an SDKError with status 401", async () => {
    const stranger = polarClient(server.url, "polar_oat_doesnotexist");
    const error = await rejection(stranger.organizations.list({}), SDKError);
    expect(error.statusCode).toBe(401);
    expect(error.contentType).toContain("application/json");
    expect(JSON.parse(error.body)).toEqual({
      error: "invalid_token",
      error_description: "The access token provided is expired, revoked, malformed, or invalid for other reasons.",
    });
  });
});
