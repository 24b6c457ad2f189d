import type { SqlClient } from "../sql-client.js";

export interface AccessTokenRecord {
  id: string;
  createdAt: Date;
  kind: "organization" | "personal";
  organizationId: string | null;
  userId: string | null;
  scopes: string[];
  comment: string;
  expiresAt: Date | null;
  revokedAt: Date | null;
}

interface AccessTokenRow {
  id: string;
  created_at: Date;
  kind: "organization" | "personal";
  organization_id: string | null;
  user_id: string | null;
  scopes: string[];
  comment: string;
  expires_at: Date | null;
  revoked_at: Date | null;
}

function toRecord(row: AccessTokenRow): AccessTokenRecord {
  return {
    id: row.id,
    createdAt: row.created_at,
    kind: row.kind,
    organizationId: row.organization_id,
    userId: row.user_id,
    scopes: row.scopes,
    comment: row.comment,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
  };
}

export class AccessTokenRepository {
  constructor(private readonly db: SqlClient) {}

  async insert(record: AccessTokenRecord, tokenHash: string): Promise<void> {
    await this.db.query(
      `INSERT INTO access_tokens (id, created_at, kind, token_hash, organization_id, user_id, scopes, comment, expires_at, revoked_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7::text[], $8, $9, $10)`,
      [
        record.id,
        record.createdAt,
        record.kind,
        tokenHash,
        record.organizationId,
        record.userId,
        record.scopes,
        record.comment,
        record.expiresAt,
        record.revokedAt,
      ],
    );
  }

  async findByHash(tokenHash: string): Promise<AccessTokenRecord | null> {
    const rows = await this.db.query<AccessTokenRow>("SELECT * FROM access_tokens WHERE token_hash = $1", [tokenHash]);
    return rows[0] === undefined ? null : toRecord(rows[0]);
  }

  async listForOrganization(organizationId: string): Promise<AccessTokenRecord[]> {
    const rows = await this.db.query<AccessTokenRow>(
      "SELECT * FROM access_tokens WHERE organization_id = $1 AND revoked_at IS NULL ORDER BY created_at DESC",
      [organizationId],
    );
    return rows.map(toRecord);
  }

  async revoke(id: string, organizationId: string, at: Date): Promise<boolean> {
    const rows = await this.db.query(
      "UPDATE access_tokens SET revoked_at = $3, modified_at = $3 WHERE id = $1 AND organization_id = $2 AND revoked_at IS NULL RETURNING id",
      [id, organizationId, at],
    );
    return rows.length > 0;
  }
}
