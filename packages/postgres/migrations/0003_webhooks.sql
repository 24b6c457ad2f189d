-- Webhooks: endpoints, one event per outbox record and subscribed endpoint, one delivery per attempt.

CREATE TABLE IF NOT EXISTS webhook_endpoints (
  id uuid PRIMARY KEY,
  organization_id uuid NOT NULL REFERENCES organizations (id),
  created_at timestamptz NOT NULL,
  modified_at timestamptz,
  url text NOT NULL,
  format text NOT NULL CHECK (format IN ('raw', 'discord', 'slack')),
  secret text NOT NULL,
  events jsonb NOT NULL DEFAULT '[]',
  deleted_at timestamptz
);
CREATE INDEX IF NOT EXISTS webhook_endpoints_organization
  ON webhook_endpoints (organization_id, created_at DESC) WHERE deleted_at IS NULL;

-- A webhook event is what one endpoint receives for one outbox record: its id is the
-- `webhook-id` header, and its payload is rendered once, then sent unchanged on every attempt.
-- `lane` orders delivery: per endpoint, the events of one customer (or of the organization,
-- for catalog events) go out one at a time, in `sequence` order.
CREATE TABLE IF NOT EXISTS webhook_events (
  id uuid PRIMARY KEY,
  sequence bigserial NOT NULL,
  organization_id uuid NOT NULL REFERENCES organizations (id),
  endpoint_id uuid NOT NULL REFERENCES webhook_endpoints (id),
  outbox_id uuid NOT NULL,
  lane text NOT NULL,
  created_at timestamptz NOT NULL,
  modified_at timestamptz,
  type text NOT NULL,
  payload text NOT NULL,
  status text NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed')),
  succeeded boolean,
  last_http_code integer,
  -- attempts of the current retry budget (a redelivery starts a new one)
  attempts integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL,
  -- a claimed attempt: whoever holds lease_id may send it until lease_until
  lease_id uuid,
  lease_until timestamptz
);
CREATE UNIQUE INDEX IF NOT EXISTS webhook_events_sequence ON webhook_events (sequence);
CREATE UNIQUE INDEX IF NOT EXISTS webhook_events_outbox_endpoint ON webhook_events (outbox_id, endpoint_id);
CREATE INDEX IF NOT EXISTS webhook_events_pending_lanes
  ON webhook_events (endpoint_id, lane, sequence) WHERE status = 'pending';

CREATE TABLE IF NOT EXISTS webhook_deliveries (
  id uuid PRIMARY KEY,
  sequence bigserial NOT NULL,
  organization_id uuid NOT NULL REFERENCES organizations (id),
  endpoint_id uuid NOT NULL REFERENCES webhook_endpoints (id),
  webhook_event_id uuid NOT NULL REFERENCES webhook_events (id),
  created_at timestamptz NOT NULL,
  modified_at timestamptz,
  attempt integer NOT NULL,
  succeeded boolean NOT NULL,
  http_code integer,
  response text,
  error text,
  duration_ms integer NOT NULL
);
CREATE INDEX IF NOT EXISTS webhook_deliveries_endpoint ON webhook_deliveries (endpoint_id, sequence DESC);
CREATE INDEX IF NOT EXISTS webhook_deliveries_event ON webhook_deliveries (webhook_event_id, sequence);

-- Usage announcements (Polar re-announces a subscription with new usage, with its customer's
-- state, every few minutes): when a user event last changed a customer meter's usage, and up to
-- which such moment a subscription's usage has been announced.
ALTER TABLE customer_meters ADD COLUMN IF NOT EXISTS usage_at timestamptz;
ALTER TABLE subscriptions ADD COLUMN IF NOT EXISTS usage_announced_at timestamptz;
