-- Raw events of distributed mode (ARCHITECTURE §6), readable by ClickHouse 18.16 and current
-- releases. Statements run one by one in the connection's database; each is idempotent.
--
-- Times are Int64 epoch milliseconds: 18.16 has no DateTime64, DateTime keeps whole seconds only
-- and cannot hold instants before 1970, which clients may send.
--
-- Metadata is stored twice. `metadata` is the canonical JSON text (canonicalMetadataJson) and is
-- only read back into events. Filters read the flat values (string, number, boolean) from
-- parallel arrays in key order: `metadata_types` 1 string, 2 number, 3 boolean; `metadata_texts`
-- the value's text form (textForm: what `like` and `?metadata[k]=v` compare); `metadata_numbers`
-- the double (booleans 1/0). `indexOf(metadata_keys, 'k')` finds a key exactly, where
-- visitParam* takes the first `"k":` in the text: inside a key named `x"k`, or in a nested
-- object. The doubles arrive as their IEEE-754 bits because 18.16's JSON input rounds about one
-- decimal number in six to a neighbouring double.
--
-- Sorting key (organization_id, customer_key, name, log_offset), for the two hot reads:
-- * a customer's meter windows read `customer_key IN (id, external id)` from a log offset on:
--   the key prefix selects that customer's granules, and within each name the offsets are
--   sorted, so everything before the window start is skipped;
-- * a meter's series reads one organization, usually one event name, over a time range: the
--   organization prefix bounds it, and `name` in third place lets the index skip the granules of
--   a customer that hold other names (most of them, for customers with many events).
-- `customer_key` is the identifier the event carried (customer id, else external customer id,
-- else ''); external_customer_aliases_v1 covers events carrying both. Partitions are months of
-- ingestion, which only grow at the end.
CREATE TABLE IF NOT EXISTS events_v1
(
    id String,
    organization_id String,
    name String,
    source String,
    timestamp_ms Int64,
    ingested_at_ms Int64,
    customer_id Nullable(String),
    external_customer_id Nullable(String),
    external_id Nullable(String),
    customer_key String,
    metadata String,
    metadata_keys Array(String),
    metadata_types Array(UInt8),
    metadata_texts Array(String),
    metadata_number_bits Array(UInt64),
    metadata_numbers Array(Float64) MATERIALIZED arrayMap(bits -> reinterpretAsFloat64(reinterpretAsString(bits)), metadata_number_bits),
    log_partition Int32,
    log_offset Int64
)
ENGINE = MergeTree
PARTITION BY toYYYYMM(toDateTime(intDiv(ingested_at_ms, 1000)))
ORDER BY (organization_id, customer_key, name, log_offset);

-- First-write-wins claims (ARCHITECTURE §3.3, §3.4). ClickHouse has no unique constraint, so the
-- store checks these before writing and writes them before the events: an event row never exists
-- without its claims, and a claim without its event row (a crash in between) is repaired by the
-- next delivery. Event ids are unique across organizations, as in Postgres. The claim names the
-- sorting key of the event row, so a lookup by id reads a single granule.
CREATE TABLE IF NOT EXISTS event_ids_v1
(
    id String,
    organization_id String,
    customer_key String,
    name String,
    log_offset Int64
)
ENGINE = MergeTree
ORDER BY id;

-- Kept for as long as the events (no TTL: 18.16 has none, and the guarantee is "at least 35 days").
CREATE TABLE IF NOT EXISTS event_external_ids_v1
(
    organization_id String,
    external_id String,
    event_id String
)
ENGINE = MergeTree
ORDER BY (organization_id, external_id);

-- Events carrying both a customer id and an external customer id (ingest never writes them, the
-- port allows them) are filed under customer_key = customer id; this names that key for their
-- external id, so a lookup by external customer id still reads only the customers' granules.
CREATE TABLE IF NOT EXISTS external_customer_aliases_v1
(
    external_customer_id String,
    organization_id String,
    customer_key String
)
ENGINE = MergeTree
ORDER BY (external_customer_id, organization_id);
