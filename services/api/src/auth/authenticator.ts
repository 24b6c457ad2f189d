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

/** Bearer token → subject, following Polar's decision sequence (spec api-conventions §3.3). */
export class Authenticator {
  constructor(private readonly deps: AuthenticatorDeps) {}

  async authenticate(authorization: string | undefined): Promise<Authentication> {
    if (authorization === undefined) return { outcome: "anonymous" };
    const match = /^\s*bearer(?:\s+(.*))?$/i.exec(authorization);
    // Another scheme (Basic …) counts as no credentials at all.
    if (match === null) return { outcome: "anonymous" };
    const token = (match[1] ?? "").trim();
    if (token === "") return { outcome: "invalid_token" };
    const record = await this.deps.tokens.findByHash(hashAccessToken(token));
    const now = this.deps.clock.now();
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
