import type { WebhookDelivery, WebhookEvent, WebhookEventStatus, WebhookEventType } from "@meterline/core";
import type { SqlClient } from "../sql-client.js";
import { type Page, pageSql } from "./sort-sql.js";

interface WebhookEventRow {
  id: string;
  sequence: number;
  organization_id: string;
  endpoint_id: string;
  outbox_id: string;
  lane: string;
  created_at: Date;
  modified_at: Date | null;
  type: WebhookEventType;
  payload: string;
  status: WebhookEventStatus;
  succeeded: boolean | null;
  last_http_code: number | null;
  attempts: number;
  next_attempt_at: Date;
}

interface WebhookDeliveryRow {
  id: string;
  organization_id: string;
  endpoint_id: string;
  webhook_event_id: string;
  created_at: Date;
  attempt: number;
  succeeded: boolean;
  http_code: number | null;
  response: string | null;
  error: string | null;
  duration_ms: number;
}

function toEvent(row: WebhookEventRow): WebhookEvent {
  return {
    id: row.id,
    sequence: row.sequence,
    organizationId: row.organization_id,
    endpointId: row.endpoint_id,
    outboxId: row.outbox_id,
    lane: row.lane,
    createdAt: row.created_at,
    modifiedAt: row.modified_at,
    type: row.type,
    payload: row.payload,
    status: row.status,
    succeeded: row.succeeded,
    lastHttpCode: row.last_http_code,
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at,
  };
}

function toDelivery(row: WebhookDeliveryRow): WebhookDelivery {
  return {
    id: row.id,
    organizationId: row.organization_id,
    endpointId: row.endpoint_id,
    webhookEventId: row.webhook_event_id,
    createdAt: row.created_at,
    attempt: row.attempt,
    succeeded: row.succeeded,
    httpCode: row.http_code,
    response: row.response,
    error: row.error,
    durationMs: row.duration_ms,
  };
}

/** A claimed attempt: only the holder of `leaseId` may record its outcome. */
export interface WebhookLease {
  eventId: string;
  leaseId: string;
}

/** What one attempt ended with, and what the event does next. */
export interface WebhookAttemptOutcome {
  delivery: WebhookDelivery;
  status: WebhookEventStatus;
  /** When the next attempt is due (pending events only). */
  nextAttemptAt: Date;
}

export type NewWebhookEvent = Omit<WebhookEvent, "sequence">;

// The first pending event of every (endpoint, lane): the only one of its lane that may be sent.
const LANE_HEADS = `SELECT DISTINCT ON (endpoint_id, lane) id, endpoint_id, lane, next_attempt_at, lease_until
  FROM webhook_events WHERE status = 'pending'`;

/**
 * Webhook events and their delivery attempts. Sending is coordinated here: an attempt is claimed
 * with a lease (`lease_id`, `lease_until`), so however many workers pump, each lane has at most
 * one attempt in flight, and an attempt whose worker died is claimed again once its lease ends.
 */
export class WebhookEventRepository {
  constructor(private readonly db: SqlClient) {}

  /** Inserts events; an event already made for the same outbox record and endpoint is kept. */
  async insert(events: readonly NewWebhookEvent[]): Promise<void> {
    for (const event of events) {
      await this.db.query(
        `INSERT INTO webhook_events (id, organization_id, endpoint_id, outbox_id, lane, created_at, modified_at, type,
           payload, status, succeeded, last_http_code, attempts, next_attempt_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
         ON CONFLICT (outbox_id, endpoint_id) DO NOTHING`,
        [
          event.id,
          event.organizationId,
          event.endpointId,
          event.outboxId,
          event.lane,
          event.createdAt,
          event.modifiedAt,
          event.type,
          event.payload,
          event.status,
          event.succeeded,
          event.lastHttpCode,
          event.attempts,
          event.nextAttemptAt,
        ],
      );
    }
  }

  async get(id: string): Promise<WebhookEvent | null> {
    const rows = await this.db.query<WebhookEventRow>("SELECT * FROM webhook_events WHERE id = $1", [id]);
    return rows[0] === undefined ? null : toEvent(rows[0]);
  }

  /**
   * Claims up to `limit` lane heads that are due by `now` and not held by a live lease (oldest due
   * first); `lane` narrows it to one lane. Leases run on `leaseNow`, real time: they measure a
   * worker's liveness, which a sandbox clock moved a month ahead must not expire.
   */
  async claimDue(
    now: Date,
    leaseNow: Date,
    leaseUntil: Date,
    limit: number,
    lane?: { endpointId: string; lane: string },
  ): Promise<WebhookLease[]> {
    const laneFilter = lane === undefined ? "" : " AND endpoint_id = $5 AND lane = $6";
    const params: unknown[] = [now, leaseNow, leaseUntil, limit];
    if (lane !== undefined) params.push(lane.endpointId, lane.lane);
    const rows = await this.db.query<{ id: string; lease_id: string }>(
      `WITH heads AS (${LANE_HEADS}${laneFilter} ORDER BY endpoint_id, lane, sequence),
         due AS (SELECT id FROM heads WHERE next_attempt_at <= $1 AND (lease_until IS NULL OR lease_until < $2)
                 ORDER BY next_attempt_at LIMIT $4)
       UPDATE webhook_events e SET lease_id = gen_random_uuid(), lease_until = $3
       FROM due
       WHERE e.id = due.id AND e.status = 'pending' AND (e.lease_until IS NULL OR e.lease_until < $2)
       RETURNING e.id, e.lease_id`,
      params,
    );
    return rows.map((row) => ({ eventId: row.id, leaseId: row.lease_id }));
  }

  /**
   * Starts the claimed attempt: swaps the lease for `attemptLeaseId`, so a claim is used once even
   * when its job runs twice (a queue that lost track of a running job hands it out again). Returns
   * the event and the attempt's lease, or null when the claim is no longer held (not pending, another
   * lease, or expired by `leaseNow`).
   */
  async begin(
    lease: WebhookLease,
    attemptLeaseId: string,
    leaseNow: Date,
  ): Promise<{ event: WebhookEvent; lease: WebhookLease } | null> {
    const rows = await this.db.query<WebhookEventRow>(
      `UPDATE webhook_events SET lease_id = $3
       WHERE id = $1 AND lease_id = $2 AND status = 'pending' AND lease_until >= $4 RETURNING *`,
      [lease.eventId, lease.leaseId, attemptLeaseId, leaseNow],
    );
    if (rows[0] === undefined) return null;
    return { event: toEvent(rows[0]), lease: { eventId: lease.eventId, leaseId: attemptLeaseId } };
  }

  /**
   * Records an attempt and moves the event on, releasing the lease. The delivery is recorded even
   * when the lease was lost meanwhile (the request was sent); the event then stays as the new
   * holder leaves it. Returns whether the lease still held.
   */
  async recordAttempt(lease: WebhookLease, outcome: WebhookAttemptOutcome): Promise<boolean> {
    const { delivery } = outcome;
    return this.db.transaction(async (tx) => {
      await tx.query(
        `INSERT INTO webhook_deliveries (id, organization_id, endpoint_id, webhook_event_id, created_at, modified_at,
           attempt, succeeded, http_code, response, error, duration_ms)
         VALUES ($1, $2, $3, $4, $5, NULL, $6, $7, $8, $9, $10, $11)`,
        [
          delivery.id,
          delivery.organizationId,
          delivery.endpointId,
          delivery.webhookEventId,
          delivery.createdAt,
          delivery.attempt,
          delivery.succeeded,
          delivery.httpCode,
          delivery.response,
          delivery.error,
          delivery.durationMs,
        ],
      );
      const updated = await tx.query<{ id: string }>(
        `UPDATE webhook_events SET attempts = attempts + 1, last_http_code = $3, succeeded = $4, status = $5,
           next_attempt_at = $6, lease_id = NULL, lease_until = NULL, modified_at = $7
         WHERE id = $1 AND lease_id = $2 RETURNING id`,
        [
          lease.eventId,
          lease.leaseId,
          delivery.httpCode,
          delivery.succeeded,
          outcome.status,
          outcome.nextAttemptAt,
          delivery.createdAt,
        ],
      );
      return updated.length > 0;
    });
  }

  /** An endpoint answered: its events waiting for a retry are due now (it is probably back). */
  async retryNow(endpointId: string, now: Date): Promise<number> {
    const rows = await this.db.query<{ id: string }>(
      `UPDATE webhook_events SET next_attempt_at = $2
       WHERE endpoint_id = $1 AND status = 'pending' AND attempts > 0 AND next_attempt_at > $2 RETURNING id`,
      [endpointId, now],
    );
    return rows.length;
  }

  /**
   * Queues an event of `scope` again with a fresh retry budget (same id, so the same
   * `webhook-id`). A claimed attempt in flight keeps its lease. Null when there is no such event.
   */
  async redeliver(scope: readonly string[], id: string, now: Date): Promise<WebhookEvent | null> {
    const rows = await this.db.query<WebhookEventRow>(
      `UPDATE webhook_events SET status = 'pending', attempts = 0, next_attempt_at = $3, modified_at = $3
       WHERE id = $1 AND organization_id = ANY($2::uuid[]) RETURNING *`,
      [id, scope, now],
    );
    return rows[0] === undefined ? null : toEvent(rows[0]);
  }

  /** Attempts to these endpoints of `scope`, newest first, each with its event. */
  async deliveries(
    scope: readonly string[],
    endpointIds: readonly string[] | null,
    page: Page,
  ): Promise<{ items: Array<{ delivery: WebhookDelivery; event: WebhookEvent }>; total: number }> {
    const where = "d.organization_id = ANY($1::uuid[]) AND ($2::uuid[] IS NULL OR d.endpoint_id = ANY($2::uuid[]))";
    const params = [scope, endpointIds];
    const [count, rows] = await Promise.all([
      this.db.query<{ total: number }>(
        `SELECT count(*)::int8 AS total FROM webhook_deliveries d WHERE ${where}`,
        params,
      ),
      this.db.query<WebhookDeliveryRow & { event: WebhookEventRow }>(
        `SELECT d.*, to_jsonb(e.*) AS event FROM webhook_deliveries d JOIN webhook_events e ON e.id = d.webhook_event_id
         WHERE ${where} ORDER BY d.sequence DESC ${pageSql(page)}`,
        params,
      ),
    ]);
    return {
      items: rows.map((row) => ({
        delivery: toDelivery(row),
        event: toEvent({
          ...row.event,
          created_at: new Date(row.event.created_at),
          modified_at: row.event.modified_at === null ? null : new Date(row.event.modified_at),
          next_attempt_at: new Date(row.event.next_attempt_at),
        }),
      })),
      total: count[0]?.total ?? 0,
    };
  }

  /** Attempts of one event, oldest first. */
  async deliveriesOf(eventId: string): Promise<WebhookDelivery[]> {
    const rows = await this.db.query<WebhookDeliveryRow>(
      "SELECT * FROM webhook_deliveries WHERE webhook_event_id = $1 ORDER BY sequence",
      [eventId],
    );
    return rows.map(toDelivery);
  }
}
