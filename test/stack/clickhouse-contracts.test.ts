import { randomBytes, randomUUID } from "node:crypto";
import {
  ClickHouseConnection,
  ClickHouseEventStore,
  ClickHouseStoreError,
  compileCustomerMatch,
  customerKey,
  INSERT_CHUNK_SIZE,
  migrate,
  quoteString,
} from "@meterline/clickhouse";
import { type CustomerMatch, type StoredEvent, UnavailableError } from "@meterline/core";
import { describeEventStoreContract, describeStack, StoredEventSequence, stackAvailable } from "@meterline/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";

const CLICKHOUSE_URL = process.env.CLICKHOUSE_URL ?? "http://127.0.0.1:8123";

const status = await stackAvailable(async () => {
  const connection = ClickHouseConnection.open({ url: CLICKHOUSE_URL, database: "default" });
  try {
    await connection.ping();
    await connection.command("SELECT 1");
  } finally {
    await connection.close();
  }
});

/** A fresh database per suite (`meterline_test_<random>`), migrated from scratch and dropped afterwards. */
async function openDatabase(): Promise<ClickHouseConnection> {
  const connection = ClickHouseConnection.open({
    url: CLICKHOUSE_URL,
    database: `meterline_test_${randomBytes(6).toString("hex")}`,
  });
  await migrate(connection);
  return connection;
}

async function dropDatabase(connection: ClickHouseConnection | undefined): Promise<void> {
  await connection?.dropDatabase();
  await connection?.close();
}

describeStack(`ClickHouse at ${new URL(CLICKHOUSE_URL).host}`, status, () => {
  describeEventStoreContract("ClickHouseEventStore on ClickHouse", async () => {
    const connection = await openDatabase();
    const store = new ClickHouseEventStore(connection);
    return {
      store,
      cleanup: async () => {
        await store.close();
        await dropDatabase(connection);
      },
    };
  });

  describe("ClickHouseEventStore beyond the contract", () => {
    let connection: ClickHouseConnection;
    let store: ClickHouseEventStore;
    const events = new StoredEventSequence();

    beforeAll(async () => {
      connection = await openDatabase();
      store = new ClickHouseEventStore(connection);
    });
    afterAll(async () => {
      await dropDatabase(connection);
    });

    /** What a crash after the claims were written (or only the external-id one) leaves behind: no event row. */
    async function writeClaimsOnly(event: StoredEvent, claims: "all" | "external id" = "all"): Promise<void> {
      const key = customerKey(event);
      if (event.externalId !== null) {
        await connection.insert("event_external_ids_v1", [
          { organization_id: event.organizationId, external_id: event.externalId, event_id: event.id },
        ]);
      }
      if (claims === "external id") return;
      await connection.insert("event_ids_v1", [
        {
          id: event.id,
          organization_id: event.organizationId,
          customer_key: key,
          name: event.name,
          log_offset: event.position.offset,
        },
      ]);
    }

    it("migrating again applies nothing and records each version once", async () => {
      expect(await migrate(connection)).toEqual([]);
      const rows = await connection.query({
        sql: "SELECT version, count() AS times FROM schema_migrations GROUP BY version ORDER BY version",
        row: z.object({ version: z.number(), times: z.string() }),
      });
      expect(rows).toEqual([{ version: 1, times: "1" }]);
    });

    it("a retried batch whose INSERT was applied but not acknowledged is already_stored, external ids included", async () => {
      const organizationId = randomUUID();
      const batch = [
        events.next({ organizationId, externalId: "order-1" }),
        events.next({ organizationId, externalId: "order-2" }),
        events.next({ organizationId }),
      ];
      await store.insert(batch);
      // The retry may carry a later record reusing an external id: that one is the duplicate.
      const late = events.next({ organizationId, externalId: "order-1" });
      const outcomes = await store.insert([...batch, late]);
      expect([...outcomes]).toEqual([
        [batch[0]?.id, "already_stored"],
        [batch[1]?.id, "already_stored"],
        [batch[2]?.id, "already_stored"],
        [late.id, "duplicate_external_id"],
      ]);
      expect(await store.count([organizationId])).toBe(3);
    });

    it("claims written without their event (a crash in between) are completed by the next delivery", async () => {
      const organizationId = randomUUID();
      const event = events.next({ organizationId, externalId: "pay-1", metadata: { tokens: 5 } });
      await writeClaimsOnly(event);
      expect(await store.get([organizationId], event.id)).toBeNull();
      // Another record with the claimed external id arrives first in the retried batch: the claim holds.
      const rival = events.next({ organizationId, externalId: "pay-1" });
      expect([...(await store.insert([rival, event]))]).toEqual([
        [rival.id, "duplicate_external_id"],
        [event.id, "inserted"],
      ]);
      expect(await store.get([organizationId], event.id)).toEqual(event);
      expect((await store.insert([event])).get(event.id)).toBe("already_stored");
      expect(await store.count([organizationId])).toBe(1);
    });

    it("an event holding only its own external-id claim (a crash between the claims) is not its own duplicate", async () => {
      const organizationId = randomUUID();
      const event = events.next({ organizationId, externalId: "pay-2" });
      await writeClaimsOnly(event, "external id");
      const rival = events.next({ organizationId, externalId: "pay-2" });
      expect([...(await store.insert([event, rival]))]).toEqual([
        [event.id, "inserted"],
        [rival.id, "duplicate_external_id"],
      ]);
      expect(await store.get([organizationId], event.id)).toEqual(event);
      expect(await store.count([organizationId])).toBe(1);
    });

    it("a half-stored event redelivered with another payload is stored once and found by id", async () => {
      const organizationId = randomUUID();
      const event = events.next({ organizationId, name: "first" });
      await writeClaimsOnly(event);
      const changed = { ...event, name: "second", customerId: randomUUID() };
      expect((await store.insert([changed])).get(event.id)).toBe("inserted");
      expect(await store.get([organizationId], event.id)).toEqual(changed);
      expect((await store.insert([event])).get(event.id)).toBe("already_stored");
      expect(await store.count([organizationId])).toBe(1);
    });

    it("event ids are unique across organizations, as in Postgres", async () => {
      const event = events.next({ organizationId: randomUUID() });
      await store.insert([event]);
      const elsewhere = { ...event, organizationId: randomUUID() };
      expect((await store.insert([elsewhere])).get(event.id)).toBe("already_stored");
      expect(await store.count([elsewhere.organizationId])).toBe(0);
    });

    it(`first write wins on external ids across insert chunks of ${INSERT_CHUNK_SIZE}`, async () => {
      const organizationId = randomUUID();
      const batch = Array.from({ length: INSERT_CHUNK_SIZE + 10 }, (_, i) =>
        events.next({ organizationId, externalId: i === INSERT_CHUNK_SIZE + 5 ? "ext-0" : `ext-${i}` }),
      );
      const outcomes = await store.insert(batch);
      expect(outcomes.size).toBe(batch.length);
      expect(outcomes.get(batch[INSERT_CHUNK_SIZE + 5]?.id ?? "")).toBe("duplicate_external_id");
      expect([...outcomes.values()].filter((outcome) => outcome === "inserted")).toHaveLength(batch.length - 1);
      expect(await store.count([organizationId])).toBe(batch.length - 1);
    });

    it("an event carrying both identifiers is found by either, in lists and in windows", async () => {
      const organizationId = randomUUID();
      const holder = { id: randomUUID(), externalId: "both-ext" };
      const both = events.next({
        organizationId,
        customerId: randomUUID(),
        externalCustomerId: holder.externalId,
        metadata: { tokens: 2 },
      });
      const own = events.next({ organizationId, customerId: holder.id, metadata: { tokens: 3 } });
      await store.insert([both, own]);
      const list = (customer: CustomerMatch) =>
        store.list({ organizationIds: [organizationId], customer, sort: [], limit: 10, offset: 0 });
      expect((await list({ customerIds: [], externalCustomerIds: [holder.externalId] })).items).toEqual([both]);
      expect((await list({ customerIds: [both.customerId as string], externalCustomerIds: [] })).items).toEqual([both]);
      const [window] = await store.customerWindows({
        organizationId,
        customer: holder,
        meters: [
          {
            id: randomUUID(),
            filter: { conjunction: "and", clauses: [] },
            aggregation: { func: "sum", property: "tokens" },
          },
        ],
      });
      expect(window?.usage).toEqual({ count: 2, valueCount: 2, sum: 5, min: 2, max: 3 });
    });

    it("a refused INSERT is rethrown as permanent after the server has settled it", async () => {
      const refused = connection.insert("events_v1", [{ id: "x", log_offset: "not a number" }]);
      await expect(refused).rejects.toBeInstanceOf(ClickHouseStoreError);
      await expect(refused).rejects.toMatchObject({ retryable: false });
      expect(await store.count(["x"])).toBe(0);
    });

    it("an unreachable server is UnavailableError (retryable), a refused statement ClickHouseStoreError", async () => {
      const down = new ClickHouseEventStore(
        ClickHouseConnection.open({ url: "http://127.0.0.1:1", requestTimeoutMs: 2000 }),
        true,
      );
      await expect(down.count([randomUUID()])).rejects.toBeInstanceOf(UnavailableError);
      await expect(down.count([])).rejects.toBeInstanceOf(UnavailableError); // a health probe must reach the server
      await expect(down.insert([events.next({ organizationId: randomUUID() })])).rejects.toBeInstanceOf(
        UnavailableError,
      );
      await down.close();
      const missing = ClickHouseConnection.open({ url: CLICKHOUSE_URL, database: "meterline_never_created" });
      await expect(new ClickHouseEventStore(missing).count([randomUUID()])).rejects.toBeInstanceOf(
        ClickHouseStoreError,
      );
      await missing.close();
    });
  });

  describe("storage layout (index_granularity 8192)", () => {
    let connection: ClickHouseConnection;
    let store: ClickHouseEventStore;
    const organizationId = randomUUID();
    const CUSTOMERS = 8;
    const PER_CUSTOMER = 4096; // 8 × 4096 rows = 4 granules of 8192 once merged
    const customers = Array.from({ length: CUSTOMERS }, (_, i) => ({ id: randomUUID(), externalId: `ext-${i}` }));

    beforeAll(async () => {
      connection = await openDatabase();
      store = new ClickHouseEventStore(connection);
      const events = new StoredEventSequence();
      // Each customer's events carry its id only, so they form one key range.
      const batch = Array.from({ length: CUSTOMERS * PER_CUSTOMER }, (_, i) =>
        events.next({ organizationId, customerId: customers[i % CUSTOMERS]?.id ?? null, metadata: { tokens: i } }),
      );
      await store.insert(batch);
      // OPTIMIZE returns without merging parts a background merge holds: repeat until one part is left.
      let parts: Array<{ rows: string }> = [];
      for (let attempt = 0; attempt < 20 && parts.length !== 1; attempt++) {
        await connection.command("OPTIMIZE TABLE events_v1 FINAL");
        parts = await connection.query({
          sql: "SELECT rows FROM system.parts WHERE database = currentDatabase() AND table = 'events_v1' AND active",
          row: z.object({ rows: z.string() }),
        });
        if (parts.length !== 1) await new Promise((resolve) => setTimeout(resolve, 250));
      }
      expect(parts).toEqual([{ rows: String(CUSTOMERS * PER_CUSTOMER) }]);
    });
    afterAll(async () => {
      await dropDatabase(connection);
    });

    /** Rows the server read for `sql`, from the statistics of the JSON output format. */
    async function rowsRead(sql: string): Promise<{ rows: unknown[]; read: number }> {
      const url = new URL(CLICKHOUSE_URL);
      const headers: Record<string, string> = {};
      if (url.username !== "") {
        headers.authorization = `Basic ${Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString("base64")}`;
        url.username = "";
        url.password = "";
      }
      url.searchParams.set("database", connection.database);
      const response = await fetch(url, { method: "POST", headers, body: `${sql} FORMAT JSON` });
      expect(response.ok).toBe(true);
      const body = (await response.json()) as { data: unknown[]; statistics: { rows_read: number } };
      return { rows: body.data, read: body.statistics.rows_read };
    }

    const countOf = (where: string) =>
      rowsRead(
        `SELECT count() AS events FROM events_v1 WHERE organization_id = ${quoteString(organizationId)} AND ${where}`,
      );

    it("a customer lookup reads that customer's granules, not the organization's", async () => {
      const whole = await countOf("1");
      expect(whole).toEqual({ rows: [{ events: String(CUSTOMERS * PER_CUSTOMER) }], read: CUSTOMERS * PER_CUSTOMER });
      const customer = customers[3] as { id: string; externalId: string };
      // 4096 contiguous rows lie in at most two of the four granules.
      const byId = await countOf(compileCustomerMatch({ customerIds: [customer.id], externalCustomerIds: [] }));
      expect(byId.rows).toEqual([{ events: String(PER_CUSTOMER) }]);
      expect(byId.read).toBeLessThanOrEqual(2 * 8192);
      // Each further key (here an external id no event carries) may add the granule it would sort into.
      const byBoth = await countOf(
        compileCustomerMatch({ customerIds: [customer.id], externalCustomerIds: [customer.externalId] }),
      );
      expect(byBoth.rows).toEqual([{ events: String(PER_CUSTOMER) }]);
      expect(byBoth.read).toBeLessThanOrEqual(3 * 8192);
    });

    it("a customer's window reads from the customer's granules", async () => {
      const customer = customers[5] as { id: string; externalId: string };
      const [window] = await store.customerWindows({
        organizationId,
        customer,
        meters: [{ id: randomUUID(), filter: { conjunction: "and", clauses: [] }, aggregation: { func: "count" } }],
      });
      expect(window?.usage.count).toBe(PER_CUSTOMER);
    });
  });
});
