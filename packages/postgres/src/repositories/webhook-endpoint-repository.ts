import type { WebhookEndpoint, WebhookEventType, WebhookFormat } from "@meterline/core";
import type { SqlClient } from "../sql-client.js";
import { type Page, pageSql } from "./sort-sql.js";

interface WebhookEndpointRow {
  id: string;
  organization_id: string;
  created_at: Date;
  modified_at: Date | null;
  deleted_at: Date | null;
  url: string;
  format: WebhookFormat;
  secret: string;
  events: WebhookEventType[];
}

function toEndpoint(row: WebhookEndpointRow): WebhookEndpoint {
  return {
    id: row.id,
    organizationId: row.organization_id,
    createdAt: row.created_at,
    modifiedAt: row.modified_at,
    deletedAt: row.deleted_at,
    url: row.url,
    format: row.format,
    secret: row.secret,
    events: row.events,
  };
}

function endpointValues(endpoint: WebhookEndpoint): unknown[] {
  return [
    endpoint.id,
    endpoint.organizationId,
    endpoint.createdAt,
    endpoint.modifiedAt,
    endpoint.deletedAt,
    endpoint.url,
    endpoint.format,
    endpoint.secret,
    JSON.stringify(endpoint.events),
  ];
}

export class WebhookEndpointRepository {
  constructor(private readonly db: SqlClient) {}

  async insert(endpoint: WebhookEndpoint): Promise<void> {
    await this.db.query(
      `INSERT INTO webhook_endpoints (id, organization_id, created_at, modified_at, deleted_at, url, format, secret, events)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb)`,
      endpointValues(endpoint),
    );
  }

  async update(endpoint: WebhookEndpoint): Promise<void> {
    await this.db.query(
      `UPDATE webhook_endpoints SET organization_id = $2, created_at = $3, modified_at = $4, deleted_at = $5, url = $6,
         format = $7, secret = $8, events = $9::jsonb
       WHERE id = $1`,
      endpointValues(endpoint),
    );
  }

  /** A live endpoint of `scope` (a deleted one is gone: 404). */
  async get(scope: readonly string[], id: string): Promise<WebhookEndpoint | null> {
    const rows = await this.db.query<WebhookEndpointRow>(
      "SELECT * FROM webhook_endpoints WHERE id = $1 AND organization_id = ANY($2::uuid[]) AND deleted_at IS NULL",
      [id, scope],
    );
    return rows[0] === undefined ? null : toEndpoint(rows[0]);
  }

  /** By id whatever its state (the deliverer still needs the secret of an event's endpoint). */
  async byId(id: string): Promise<WebhookEndpoint | null> {
    const rows = await this.db.query<WebhookEndpointRow>("SELECT * FROM webhook_endpoints WHERE id = $1", [id]);
    return rows[0] === undefined ? null : toEndpoint(rows[0]);
  }

  /** Newest first (spec api-conventions §8.1). */
  async list(scope: readonly string[], page: Page): Promise<{ items: WebhookEndpoint[]; total: number }> {
    const where = "organization_id = ANY($1::uuid[]) AND deleted_at IS NULL";
    const [count, rows] = await Promise.all([
      this.db.query<{ total: number }>(`SELECT count(*)::int8 AS total FROM webhook_endpoints WHERE ${where}`, [scope]),
      this.db.query<WebhookEndpointRow>(
        `SELECT * FROM webhook_endpoints WHERE ${where} ORDER BY created_at DESC, id ${pageSql(page)}`,
        [scope],
      ),
    ]);
    return { items: rows.map(toEndpoint), total: count[0]?.total ?? 0 };
  }

  /** Live endpoints of these organizations, to fan announcements out to. */
  async live(organizationIds: readonly string[]): Promise<WebhookEndpoint[]> {
    if (organizationIds.length === 0) return [];
    const rows = await this.db.query<WebhookEndpointRow>(
      "SELECT * FROM webhook_endpoints WHERE organization_id = ANY($1::uuid[]) AND deleted_at IS NULL ORDER BY created_at, id",
      [organizationIds],
    );
    return rows.map(toEndpoint);
  }
}
