-- Billing: catalog, subscriptions, orders, discounts, benefit grants, and the transactional outbox.

CREATE TABLE IF NOT EXISTS products (
  id uuid PRIMARY KEY,
  organization_id uuid NOT NULL REFERENCES organizations (id),
  created_at timestamptz NOT NULL,
  modified_at timestamptz,
  name text NOT NULL,
  description text,
  recurring_interval text CHECK (recurring_interval IN ('month', 'year')),
  is_archived boolean NOT NULL DEFAULT false,
  metadata jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX IF NOT EXISTS products_organization ON products (organization_id, created_at);

-- Prices are immutable: a product update archives the ones it drops and inserts new ones.
CREATE TABLE IF NOT EXISTS product_prices (
  id uuid PRIMARY KEY,
  product_id uuid NOT NULL REFERENCES products (id),
  organization_id uuid NOT NULL,
  created_at timestamptz NOT NULL,
  modified_at timestamptz,
  is_archived boolean NOT NULL DEFAULT false,
  amount_type text NOT NULL CHECK (amount_type IN ('fixed', 'custom', 'free', 'metered_unit')),
  price_currency text,
  price_amount integer,
  minimum_amount integer,
  maximum_amount integer,
  preset_amount integer,
  -- Cents per unit, exact (Polar stores numeric(17,12)).
  unit_amount numeric(17, 12),
  cap_amount integer,
  meter_id uuid REFERENCES meters (id)
);
CREATE INDEX IF NOT EXISTS product_prices_product ON product_prices (product_id, created_at);

CREATE TABLE IF NOT EXISTS benefits (
  id uuid PRIMARY KEY,
  organization_id uuid NOT NULL REFERENCES organizations (id),
  created_at timestamptz NOT NULL,
  modified_at timestamptz,
  deleted_at timestamptz,
  type text NOT NULL CHECK (type IN ('meter_credit', 'custom')),
  description text NOT NULL,
  properties jsonb NOT NULL,
  metadata jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX IF NOT EXISTS benefits_organization ON benefits (organization_id, created_at);

CREATE TABLE IF NOT EXISTS product_benefits (
  product_id uuid NOT NULL REFERENCES products (id),
  benefit_id uuid NOT NULL REFERENCES benefits (id),
  position integer NOT NULL,
  PRIMARY KEY (product_id, benefit_id)
);

CREATE TABLE IF NOT EXISTS discounts (
  id uuid PRIMARY KEY,
  organization_id uuid NOT NULL REFERENCES organizations (id),
  created_at timestamptz NOT NULL,
  modified_at timestamptz,
  deleted_at timestamptz,
  name text NOT NULL,
  code text,
  type text NOT NULL CHECK (type IN ('fixed', 'percentage')),
  amount integer,
  currency text,
  basis_points integer,
  duration text NOT NULL CHECK (duration IN ('once', 'forever', 'repeating')),
  duration_in_months integer,
  starts_at timestamptz,
  ends_at timestamptz,
  max_redemptions integer,
  metadata jsonb NOT NULL DEFAULT '{}'
);
CREATE UNIQUE INDEX IF NOT EXISTS discounts_organization_code
  ON discounts (organization_id, lower(code)) WHERE code IS NOT NULL AND deleted_at IS NULL;

CREATE TABLE IF NOT EXISTS discount_products (
  discount_id uuid NOT NULL REFERENCES discounts (id),
  product_id uuid NOT NULL REFERENCES products (id),
  PRIMARY KEY (discount_id, product_id)
);

CREATE TABLE IF NOT EXISTS discount_redemptions (
  id uuid PRIMARY KEY,
  discount_id uuid NOT NULL REFERENCES discounts (id),
  subscription_id uuid,
  created_at timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS discount_redemptions_discount ON discount_redemptions (discount_id);

CREATE TABLE IF NOT EXISTS subscriptions (
  id uuid PRIMARY KEY,
  organization_id uuid NOT NULL REFERENCES organizations (id),
  customer_id uuid NOT NULL REFERENCES customers (id),
  product_id uuid NOT NULL REFERENCES products (id),
  created_at timestamptz NOT NULL,
  modified_at timestamptz,
  status text NOT NULL,
  amount integer NOT NULL,
  currency text NOT NULL,
  recurring_interval text NOT NULL CHECK (recurring_interval IN ('month', 'year')),
  -- Periods are anchor-based: period k = [anchor + k intervals, anchor + k + 1 intervals), day clamped.
  anchor timestamptz NOT NULL,
  period_index integer NOT NULL,
  current_period_start timestamptz NOT NULL,
  current_period_end timestamptz NOT NULL,
  cancel_at_period_end boolean NOT NULL DEFAULT false,
  canceled_at timestamptz,
  started_at timestamptz NOT NULL,
  ends_at timestamptz,
  ended_at timestamptz,
  discount_id uuid REFERENCES discounts (id),
  customer_cancellation_reason text,
  customer_cancellation_comment text,
  metadata jsonb NOT NULL DEFAULT '{}',
  -- The period whose log records (resets, rollover and benefit credits) are all written; behind
  -- period_index means a crash interrupted them and the scheduler resumes them.
  settled_period_index integer,
  -- When the final usage order of an ended subscription was settled.
  finalized_at timestamptz
);
CREATE INDEX IF NOT EXISTS subscriptions_organization ON subscriptions (organization_id, started_at);
CREATE INDEX IF NOT EXISTS subscriptions_customer ON subscriptions (customer_id);
-- The scheduler's scans: live subscriptions whose period has ended, and unfinished work.
CREATE INDEX IF NOT EXISTS subscriptions_due ON subscriptions (current_period_end) WHERE ended_at IS NULL;
CREATE INDEX IF NOT EXISTS subscriptions_unsettled ON subscriptions (id)
  WHERE (ended_at IS NULL AND settled_period_index IS DISTINCT FROM period_index) OR (ended_at IS NOT NULL AND finalized_at IS NULL);

-- The subscription's own prices, kept even when the product's prices change (spec billing §2.4).
CREATE TABLE IF NOT EXISTS subscription_prices (
  subscription_id uuid NOT NULL REFERENCES subscriptions (id),
  price_id uuid NOT NULL REFERENCES product_prices (id),
  amount integer NOT NULL,
  position integer NOT NULL,
  PRIMARY KEY (subscription_id, price_id)
);

-- Stable identities for Subscription.meters[] (the figures come from the customer meter window).
CREATE TABLE IF NOT EXISTS subscription_meters (
  id uuid PRIMARY KEY,
  subscription_id uuid NOT NULL REFERENCES subscriptions (id),
  meter_id uuid NOT NULL REFERENCES meters (id),
  created_at timestamptz NOT NULL,
  modified_at timestamptz,
  UNIQUE (subscription_id, meter_id)
);

CREATE TABLE IF NOT EXISTS orders (
  id uuid PRIMARY KEY,
  -- Insertion order: breaks ties between orders created at the same instant (a catch-up run
  -- cycles several periods at one clock reading), so lists keep period order.
  seq bigserial NOT NULL,
  organization_id uuid NOT NULL REFERENCES organizations (id),
  created_at timestamptz NOT NULL,
  modified_at timestamptz,
  status text NOT NULL CHECK (status IN ('pending', 'paid', 'refunded', 'partially_refunded')),
  subtotal_amount integer NOT NULL,
  discount_amount integer NOT NULL,
  net_amount integer NOT NULL,
  tax_amount integer NOT NULL,
  total_amount integer NOT NULL,
  refunded_amount integer NOT NULL DEFAULT 0,
  refunded_tax_amount integer NOT NULL DEFAULT 0,
  currency text NOT NULL,
  billing_reason text NOT NULL,
  billing_name text,
  billing_address jsonb,
  is_invoice_generated boolean NOT NULL DEFAULT false,
  invoice_number text,
  customer_id uuid NOT NULL REFERENCES customers (id),
  product_id uuid NOT NULL REFERENCES products (id),
  discount_id uuid REFERENCES discounts (id),
  subscription_id uuid REFERENCES subscriptions (id),
  metadata jsonb NOT NULL DEFAULT '{}',
  -- One order per subscription period (and billing reason): a retried cycle cannot bill twice.
  idempotency_key text
);
CREATE UNIQUE INDEX IF NOT EXISTS orders_idempotency_key ON orders (organization_id, idempotency_key)
  WHERE idempotency_key IS NOT NULL;
CREATE INDEX IF NOT EXISTS orders_organization ON orders (organization_id, created_at);
CREATE INDEX IF NOT EXISTS orders_subscription ON orders (subscription_id);

CREATE TABLE IF NOT EXISTS order_items (
  id uuid PRIMARY KEY,
  order_id uuid NOT NULL REFERENCES orders (id),
  position integer NOT NULL,
  created_at timestamptz NOT NULL,
  label text NOT NULL,
  amount integer NOT NULL,
  tax_amount integer NOT NULL DEFAULT 0,
  proration boolean NOT NULL DEFAULT false,
  product_price_id uuid REFERENCES product_prices (id)
);
CREATE INDEX IF NOT EXISTS order_items_order ON order_items (order_id, position);

-- Lines waiting for a subscription's next order: proration of a product change, and usage billed
-- at the old prices up to the change. `order_id` is set when an order takes them.
CREATE TABLE IF NOT EXISTS subscription_pending_items (
  id uuid PRIMARY KEY,
  subscription_id uuid NOT NULL REFERENCES subscriptions (id),
  created_at timestamptz NOT NULL,
  label text NOT NULL,
  amount integer NOT NULL,
  proration boolean NOT NULL,
  product_price_id uuid REFERENCES product_prices (id),
  -- Deterministic: a retried change writes each line once.
  idempotency_key text NOT NULL,
  order_id uuid REFERENCES orders (id)
);
CREATE UNIQUE INDEX IF NOT EXISTS subscription_pending_items_key ON subscription_pending_items (subscription_id, idempotency_key);

CREATE TABLE IF NOT EXISTS invoice_counters (
  organization_id uuid PRIMARY KEY REFERENCES organizations (id),
  last_number integer NOT NULL
);

CREATE TABLE IF NOT EXISTS benefit_grants (
  id uuid PRIMARY KEY,
  organization_id uuid NOT NULL REFERENCES organizations (id),
  created_at timestamptz NOT NULL,
  modified_at timestamptz,
  customer_id uuid NOT NULL REFERENCES customers (id),
  benefit_id uuid NOT NULL REFERENCES benefits (id),
  subscription_id uuid REFERENCES subscriptions (id),
  order_id uuid REFERENCES orders (id),
  granted_at timestamptz,
  revoked_at timestamptz,
  properties jsonb NOT NULL DEFAULT '{}'
);
CREATE UNIQUE INDEX IF NOT EXISTS benefit_grants_subscription ON benefit_grants (subscription_id, benefit_id)
  WHERE subscription_id IS NOT NULL;
CREATE UNIQUE INDEX IF NOT EXISTS benefit_grants_order ON benefit_grants (order_id, benefit_id) WHERE order_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS benefit_grants_customer ON benefit_grants (customer_id);
CREATE INDEX IF NOT EXISTS benefit_grants_benefit ON benefit_grants (benefit_id, created_at);

-- Changes to announce by webhook, written in the same transaction as the change.
CREATE TABLE IF NOT EXISTS outbox (
  id uuid PRIMARY KEY,
  sequence bigserial NOT NULL,
  organization_id uuid NOT NULL,
  created_at timestamptz NOT NULL,
  type text NOT NULL,
  data jsonb NOT NULL,
  dispatched_at timestamptz
);
CREATE UNIQUE INDEX IF NOT EXISTS outbox_sequence ON outbox (sequence);
CREATE INDEX IF NOT EXISTS outbox_pending ON outbox (sequence) WHERE dispatched_at IS NULL;
