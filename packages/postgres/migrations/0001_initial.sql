-- Control plane -------------------------------------------------------------------------------

CREATE TABLE IF NOT EXISTS organizations (
  id uuid PRIMARY KEY,
  created_at timestamptz NOT NULL,
  modified_at timestamptz,
  name text NOT NULL,
  slug text NOT NULL,
  avatar_url text,
  email text,
  website text,
  socials jsonb NOT NULL DEFAULT '[]',
  details jsonb,
  details_submitted_at timestamptz,
  feature_settings jsonb NOT NULL,
  subscription_settings jsonb NOT NULL,
  blocked_at timestamptz
);
CREATE UNIQUE INDEX IF NOT EXISTS organizations_slug ON organizations (slug);

CREATE TABLE IF NOT EXISTS users (
  id uuid PRIMARY KEY,
  created_at timestamptz NOT NULL,
  email text NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS users_email ON users (lower(email));

CREATE TABLE IF NOT EXISTS user_organizations (
  user_id uuid NOT NULL REFERENCES users (id),
  organization_id uuid NOT NULL REFERENCES organizations (id),
  created_at timestamptz NOT NULL,
  PRIMARY KEY (user_id, organization_id)
);

-- kind 'organization': organization access token (polar_oat_); 'personal': user token (polar_pat_).
-- Only a SHA-256 of the token is kept.
CREATE TABLE IF NOT EXISTS access_tokens (
  id uuid PRIMARY KEY,
  created_at timestamptz NOT NULL,
  modified_at timestamptz,
  kind text NOT NULL CHECK (kind IN ('organization', 'personal')),
  token_hash text NOT NULL,
  organization_id uuid REFERENCES organizations (id),
  user_id uuid REFERENCES users (id),
  scopes text[] NOT NULL,
  comment text NOT NULL DEFAULT '',
  expires_at timestamptz,
  last_used_at timestamptz,
  revoked_at timestamptz
);
CREATE UNIQUE INDEX IF NOT EXISTS access_tokens_hash ON access_tokens (token_hash);

CREATE TABLE IF NOT EXISTS customers (
  id uuid PRIMARY KEY,
  organization_id uuid NOT NULL REFERENCES organizations (id),
  created_at timestamptz NOT NULL,
  modified_at timestamptz,
  deleted_at timestamptz,
  email text NOT NULL,
  email_verified boolean NOT NULL DEFAULT false,
  name text,
  external_id text,
  billing_address jsonb,
  tax_id jsonb,
  metadata jsonb NOT NULL DEFAULT '{}'
);
CREATE UNIQUE INDEX IF NOT EXISTS customers_organization_email
  ON customers (organization_id, lower(email)) WHERE deleted_at IS NULL;
CREATE UNIQUE INDEX IF NOT EXISTS customers_organization_external_id
  ON customers (organization_id, external_id) WHERE deleted_at IS NULL AND external_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS customers_organization_created ON customers (organization_id, created_at);

CREATE TABLE IF NOT EXISTS meters (
  id uuid PRIMARY KEY,
  organization_id uuid NOT NULL REFERENCES organizations (id),
  created_at timestamptz NOT NULL,
  modified_at timestamptz,
  name text NOT NULL,
  filter jsonb NOT NULL,
  aggregation jsonb NOT NULL,
  metadata jsonb NOT NULL DEFAULT '{}',
  -- Set the first time a stored event is seen to match; from then on filter and aggregation are frozen.
  locked_at timestamptz
);
CREATE INDEX IF NOT EXISTS meters_organization ON meters (organization_id, created_at);

-- One row per (customer, meter) the materializer has evaluated. `visible` rows are the customer
-- meters of the API (the window holds events); the aggregate columns are the incremental state.
CREATE TABLE IF NOT EXISTS customer_meters (
  id uuid PRIMARY KEY,
  organization_id uuid NOT NULL,
  customer_id uuid NOT NULL,
  meter_id uuid NOT NULL,
  created_at timestamptz NOT NULL,
  modified_at timestamptz,
  deleted_at timestamptz,
  visible boolean NOT NULL,
  stale boolean NOT NULL DEFAULT false,
  window_partition integer,
  window_offset bigint,
  usage_count bigint NOT NULL,
  usage_value_count bigint NOT NULL,
  usage_sum double precision NOT NULL,
  usage_min double precision,
  usage_max double precision,
  credited_units bigint NOT NULL,
  consumed_units double precision NOT NULL,
  balance double precision NOT NULL,
  -- Every log record up to this position is reflected (idempotency under redelivery).
  applied_partition integer,
  applied_offset bigint,
  -- Latest window event (Polar's last_balanced_event).
  last_event_id uuid,
  -- Bumped whenever the row is marked stale, so a concurrent recompute cannot clear a newer mark.
  generation integer NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX IF NOT EXISTS customer_meters_customer_meter ON customer_meters (customer_id, meter_id);
CREATE INDEX IF NOT EXISTS customer_meters_organization_modified ON customer_meters (organization_id, modified_at);
CREATE INDEX IF NOT EXISTS customer_meters_meter ON customer_meters (meter_id);

-- Embedded EventLog (partition 0; positions are log_offset) ----------------------------------------

CREATE TABLE IF NOT EXISTS event_log (
  log_offset bigserial PRIMARY KEY,
  ingested_at timestamptz NOT NULL,
  id uuid NOT NULL,
  organization_id uuid NOT NULL,
  name text NOT NULL,
  source text NOT NULL,
  "timestamp" timestamptz NOT NULL,
  customer_id uuid,
  external_customer_id text,
  external_id text,
  metadata jsonb NOT NULL
);

-- Durable idempotency keys of ingest: (organization, external_id) → first event id.
CREATE TABLE IF NOT EXISTS event_dedup_keys (
  organization_id uuid NOT NULL,
  external_id text NOT NULL,
  event_id uuid NOT NULL,
  created_at timestamptz NOT NULL,
  PRIMARY KEY (organization_id, external_id)
);
CREATE INDEX IF NOT EXISTS event_dedup_keys_created ON event_dedup_keys (created_at);

CREATE TABLE IF NOT EXISTS log_consumer_offsets (
  group_id text NOT NULL,
  log_partition integer NOT NULL,
  log_offset bigint NOT NULL,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (group_id, log_partition)
);

-- Embedded EventStore ------------------------------------------------------------------------------

CREATE TABLE IF NOT EXISTS events_v1 (
  id uuid PRIMARY KEY,
  organization_id uuid NOT NULL,
  name text NOT NULL,
  source text NOT NULL,
  "timestamp" timestamptz NOT NULL,
  ingested_at timestamptz NOT NULL,
  customer_id uuid,
  external_customer_id text,
  external_id text,
  metadata jsonb NOT NULL,
  log_partition integer NOT NULL,
  log_offset bigint NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS events_v1_organization_external_id
  ON events_v1 (organization_id, external_id) WHERE external_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS events_v1_organization_timestamp ON events_v1 (organization_id, "timestamp");
CREATE INDEX IF NOT EXISTS events_v1_customer ON events_v1 (organization_id, customer_id, log_offset)
  WHERE customer_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS events_v1_external_customer ON events_v1 (organization_id, external_customer_id, log_offset)
  WHERE external_customer_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS events_v1_system ON events_v1 (organization_id, customer_id, name, log_offset)
  WHERE source = 'system';

-- Embedded JobQueue --------------------------------------------------------------------------------

CREATE TABLE IF NOT EXISTS jobs (
  id text PRIMARY KEY,
  name text NOT NULL,
  payload jsonb NOT NULL,
  status text NOT NULL CHECK (status IN ('waiting', 'active', 'completed', 'failed')),
  attempts integer NOT NULL DEFAULT 0,
  max_attempts integer NOT NULL,
  backoff_ms integer NOT NULL,
  run_at timestamptz NOT NULL,
  locked_until timestamptz,
  last_error text,
  repeat_every_ms bigint,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS jobs_due ON jobs (status, run_at);
