import {
  type Clock,
  DEFAULT_FEATURE_SETTINGS,
  DEFAULT_SUBSCRIPTION_SETTINGS,
  DomainError,
  type IdGenerator,
  type Organization,
  SCOPES,
} from "@meterline/core";
import { type SqlClient, uniqueViolation } from "@meterline/postgres";
import { generateAccessToken, hashAccessToken, type TokenPrefix } from "../auth/access-token.js";
import { createRepositories } from "../deps.js";

export interface OrganizationInput {
  name: string;
  slug: string;
  avatarUrl?: string | null;
  email?: string | null;
  website?: string | null;
  socials?: Organization["socials"] | null;
  details?: Record<string, unknown> | null;
  featureSettings?: Partial<Organization["featureSettings"]> | null;
  subscriptionSettings?: Partial<Organization["subscriptionSettings"]> | null;
}

interface AdminDeps {
  db: SqlClient;
  clock: Clock;
  ids: IdGenerator;
}

function slugTaken(slug: string): DomainError {
  return new DomainError("ORGANIZATION_SLUG_TAKEN", "invalid", "An organization with this slug already exists.", {
    loc: ["body", "slug"],
    input: slug,
    type: "value_error",
  });
}

/** Creates an organization; the creating user (if any) becomes a member. */
export async function createOrganization(
  deps: AdminDeps,
  input: OrganizationInput,
  memberUserId?: string,
): Promise<Organization> {
  const now = deps.clock.now();
  const organization: Organization = {
    id: deps.ids.uuid(),
    createdAt: now,
    modifiedAt: null,
    name: input.name,
    slug: input.slug,
    avatarUrl: input.avatarUrl ?? null,
    email: input.email ?? null,
    website: input.website ?? null,
    socials: input.socials ?? [],
    details: input.details ?? null,
    detailsSubmittedAt: input.details ? now : null,
    featureSettings: { ...DEFAULT_FEATURE_SETTINGS, ...(input.featureSettings ?? {}) },
    subscriptionSettings: { ...DEFAULT_SUBSCRIPTION_SETTINGS, ...(input.subscriptionSettings ?? {}) },
    blockedAt: null,
  };
  try {
    await deps.db.transaction(async (tx) => {
      const repositories = createRepositories(tx);
      if ((await repositories.organizations.getBySlug(input.slug)) !== null) throw slugTaken(input.slug);
      await repositories.organizations.insert(organization);
      if (memberUserId !== undefined) await repositories.users.addMembership(memberUserId, organization.id, now);
    });
  } catch (error) {
    if (uniqueViolation(error) !== null) throw slugTaken(input.slug);
    throw error;
  }
  return organization;
}

export interface IssuedToken {
  id: string;
  token: string;
  scopes: string[];
  expiresAt: Date | null;
}

/**
 * Issues an access token and returns it in clear exactly once; only its hash is stored.
 * `token` lets an operator fix the value in advance (bootstrap scripts).
 */
export async function issueAccessToken(
  deps: AdminDeps,
  grant: {
    kind: "organization" | "personal";
    organizationId?: string;
    userId?: string;
    scopes?: readonly string[];
    comment?: string;
    expiresAt?: Date | null;
    token?: string;
  },
): Promise<IssuedToken> {
  const prefix: TokenPrefix = grant.kind === "organization" ? "polar_oat_" : "polar_pat_";
  const token = grant.token ?? generateAccessToken(prefix);
  const scopes = [...(grant.scopes ?? SCOPES)];
  const id = deps.ids.uuid();
  await createRepositories(deps.db).tokens.insert(
    {
      id,
      createdAt: deps.clock.now(),
      kind: grant.kind,
      organizationId: grant.organizationId ?? null,
      userId: grant.userId ?? null,
      scopes,
      comment: grant.comment ?? "",
      expiresAt: grant.expiresAt ?? null,
      revokedAt: null,
    },
    hashAccessToken(token),
  );
  return { id, token, scopes, expiresAt: grant.expiresAt ?? null };
}
