import type { AuthSubject, Clock } from "@meterline/core";
import type { AccessTokenRepository, OrganizationRepository, UserRepository } from "@meterline/postgres";
import { hashAccessToken } from "./access-token.js";

export type Authentication =
  | { outcome: "anonymous" }
  | { outcome: "invalid_token" }
  | { outcome: "blocked" }
  | { outcome: "authenticated"; subject: AuthSubject };

export interface AuthenticatorDeps {
  tokens: AccessTokenRepository;
  users: UserRepository;
  organizations: OrganizationRepository;
  clock: Clock;
}

/**
 * How long an organization token's lookup is reused. Every request authenticates, and the lookup
 * is two queries: caching it briefly takes them off the ingest path. A revoked token or a newly
 * blocked organization therefore takes effect within this many milliseconds; expiry is always
 * exact. Personal tokens are not cached: their organizations change when the user creates one.
 */
export const AUTHENTICATION_CACHE_MS = 5000;
const CACHE_LIMIT = 10_000;

interface CachedAuthentication {
  authentication: Authentication;
  expiresAt: Date | null;
  cachedUntil: number;
}

/** Bearer token → subject, following Polar's decision sequence (spec api-conventions §3.3). */
export class Authenticator {
  private readonly cache = new Map<string, CachedAuthentication>();

  constructor(private readonly deps: AuthenticatorDeps) {}

  async authenticate(authorization: string | undefined): Promise<Authentication> {
    if (authorization === undefined) return { outcome: "anonymous" };
    const match = /^\s*bearer(?:\s+(.*))?$/i.exec(authorization);
    // Another scheme (Basic …) counts as no credentials at all.
    if (match === null) return { outcome: "anonymous" };
    const token = (match[1] ?? "").trim();
    if (token === "") return { outcome: "invalid_token" };
    const hash = hashAccessToken(token);
    const now = this.deps.clock.now();
    const cached = this.cache.get(hash);
    // Cache freshness is wall time (it bounds staleness); token expiry is the engine's clock.
    if (cached !== undefined && cached.cachedUntil > Date.now()) {
      if (cached.expiresAt !== null && cached.expiresAt <= now) return { outcome: "invalid_token" };
      return cached.authentication;
    }
    const { authentication, expiresAt } = await this.lookup(hash, now);
    if (authentication.outcome === "authenticated" && authentication.subject.type === "organization") {
      if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
      this.cache.set(hash, { authentication, expiresAt, cachedUntil: Date.now() + AUTHENTICATION_CACHE_MS });
    }
    return authentication;
  }

  /** Drops cached lookups, so a token revoked through this process stops working at once. */
  forget(): void {
    this.cache.clear();
  }

  private async lookup(hash: string, now: Date): Promise<{ authentication: Authentication; expiresAt: Date | null }> {
    const record = await this.deps.tokens.findByHash(hash);
    const expiresAt = record?.expiresAt ?? null;
    return { authentication: await this.resolve(record, now), expiresAt };
  }

  private async resolve(
    record: Awaited<ReturnType<AccessTokenRepository["findByHash"]>>,
    now: Date,
  ): Promise<Authentication> {
    if (record === null || record.revokedAt !== null || (record.expiresAt !== null && record.expiresAt <= now)) {
      return { outcome: "invalid_token" };
    }
    const scopes = new Set(record.scopes);
    if (record.kind === "organization" && record.organizationId !== null) {
      const organization = await this.deps.organizations.get(record.organizationId, [record.organizationId]);
      if (organization === null) return { outcome: "invalid_token" };
      if (organization.blockedAt !== null) return { outcome: "blocked" };
      return {
        outcome: "authenticated",
        subject: {
          type: "organization",
          tokenId: record.id,
          organizationId: record.organizationId,
          organizationIds: [record.organizationId],
          scopes,
        },
      };
    }
    if (record.kind === "personal" && record.userId !== null) {
      const organizationIds = await this.deps.users.organizationIds(record.userId);
      return {
        outcome: "authenticated",
        subject: { type: "user", tokenId: record.id, userId: record.userId, organizationIds, scopes },
      };
    }
    return { outcome: "invalid_token" };
  }
}
