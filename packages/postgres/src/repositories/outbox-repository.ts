import type { OutboxRecord } from "@meterline/core";
import type { SqlClient } from "../sql-client.js";

export interface PendingOutboxRecord extends OutboxRecord {
  sequence: number;
}

interface OutboxRow {
  id: string;
  sequence: number;
  organization_id: string;
  created_at: Date;
  type: OutboxRecord["type"];
  data: unknown;
}

function toRecord(row: OutboxRow): PendingOutboxRecord {
  return {
    id: row.id,
    sequence: row.sequence,
    organizationId: row.organization_id,
    createdAt: row.created_at,
    type: row.type,
    data: row.data,
  };
}

/** The transactional outbox: written with the change it announces, read in order by the webhook dispatcher. */
export class OutboxRepository {
  constructor(private readonly db: SqlClient) {}

  async insert(records: readonly OutboxRecord[]): Promise<void> {
    for (const record of records) {
      await this.db.query(
        "INSERT INTO outbox (id, organization_id, created_at, type, data) VALUES ($1, $2, $3, $4, $5::jsonb)",
        [record.id, record.organizationId, record.createdAt, record.type, JSON.stringify(record.data)],
      );
    }
  }

  /**
   * The oldest undispatched records, locked until the transaction ends: one fan-out at a time
   * reads them, so webhook events are created in outbox order.
   */
  async lockPending(limit: number): Promise<PendingOutboxRecord[]> {
    const rows = await this.db.query<OutboxRow>(
      "SELECT * FROM outbox WHERE dispatched_at IS NULL ORDER BY sequence LIMIT $1 FOR UPDATE",
      [limit],
    );
    return rows.map(toRecord);
  }

  /** Every record of an organization, in order (tests and the webhook story read this). */
  async ofOrganization(organizationId: string): Promise<PendingOutboxRecord[]> {
    const rows = await this.db.query<OutboxRow>("SELECT * FROM outbox WHERE organization_id = $1 ORDER BY sequence", [
      organizationId,
    ]);
    return rows.map(toRecord);
  }

  async markDispatched(ids: readonly string[], at: Date): Promise<void> {
    if (ids.length === 0) return;
    await this.db.query("UPDATE outbox SET dispatched_at = $2 WHERE id = ANY($1::uuid[])", [ids, at]);
  }
}
