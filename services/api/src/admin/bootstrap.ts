import { type Clock, type IdGenerator, SCOPES } from "@meterline/core";
import type { SqlClient } from "@meterline/postgres";
import { hashAccessToken } from "../auth/access-token.js";
import { createRepositories } from "../deps.js";
import { createOrganization, issueAccessToken } from "./organizations.js";

export interface BootstrapOptions {
  /** METERLINE_BOOTSTRAP_TOKEN: the first organization access token, fixed in advance. */
  organizationToken?: string;
  /** METERLINE_BOOTSTRAP_ADMIN_TOKEN: the first personal (admin) token, fixed in advance. */
  adminToken?: string;
}

export interface BootstrapResult {
  organizationId: string;
  organizationName: string;
  /** Tokens created by this run, in clear (printed once); absent when they already existed. */
  organizationToken?: string;
  adminToken?: string;
}

const ADMIN_EMAIL = "admin@meterline.local";

export class BootstrapTokenError extends Error {}

function checkPrefix(token: string | undefined, prefix: string, variable: string): void {
  if (token !== undefined && (!token.startsWith(prefix) || token.length < prefix.length + 16 || /\s/.test(token))) {
    throw new BootstrapTokenError(
      `${variable} must start with ${prefix} and carry at least 16 more characters, without spaces.`,
    );
  }
}

/**
 * First start: an organization, an admin user who is a member, an organization access token
 * (for applications) and a personal token (to create more organizations and tokens).
 * Later starts: only makes sure tokens given through the environment exist.
 */
export async function bootstrap(
  deps: { db: SqlClient; clock: Clock; ids: IdGenerator },
  options: BootstrapOptions = {},
): Promise<BootstrapResult | null> {
  checkPrefix(options.organizationToken, "polar_oat_", "METERLINE_BOOTSTRAP_TOKEN");
  checkPrefix(options.adminToken, "polar_pat_", "METERLINE_BOOTSTRAP_ADMIN_TOKEN");
  const repositories = createRepositories(deps.db);
  let admin = await repositories.users.getByEmail(ADMIN_EMAIL);
  if (admin === null) {
    admin = { id: deps.ids.uuid(), createdAt: deps.clock.now(), email: ADMIN_EMAIL };
    await repositories.users.insert(admin);
  }
  const firstOrganization = (
    await repositories.organizations.list({
      scope: await allOrganizationIds(deps.db),
      sort: [{ property: "created_at", direction: "asc" }],
      page: { limit: 1, offset: 0 },
    })
  ).items[0];
  const organization =
    firstOrganization ?? (await createOrganization(deps, { name: "Default organization", slug: "default" }, admin.id));
  const result: BootstrapResult = { organizationId: organization.id, organizationName: organization.name };

  const hasOrganizationToken = (await repositories.tokens.listForOrganization(organization.id)).length > 0;
  if (options.organizationToken !== undefined) {
    if ((await repositories.tokens.findByHash(hashAccessToken(options.organizationToken))) === null) {
      result.organizationToken = (
        await issueAccessToken(deps, {
          kind: "organization",
          organizationId: organization.id,
          token: options.organizationToken,
          comment: "bootstrap",
        })
      ).token;
    }
  } else if (firstOrganization === undefined || !hasOrganizationToken) {
    result.organizationToken = (
      await issueAccessToken(deps, { kind: "organization", organizationId: organization.id, comment: "bootstrap" })
    ).token;
  }

  if (options.adminToken !== undefined) {
    if ((await repositories.tokens.findByHash(hashAccessToken(options.adminToken))) === null) {
      result.adminToken = (
        await issueAccessToken(deps, {
          kind: "personal",
          userId: admin.id,
          token: options.adminToken,
          comment: "bootstrap",
          scopes: SCOPES,
        })
      ).token;
    }
  } else if (firstOrganization === undefined) {
    result.adminToken = (
      await issueAccessToken(deps, { kind: "personal", userId: admin.id, comment: "bootstrap" })
    ).token;
  }
  return result;
}

async function allOrganizationIds(db: SqlClient): Promise<string[]> {
  const rows = await db.query<{ id: string }>("SELECT id FROM organizations");
  return rows.map((row) => row.id);
}
