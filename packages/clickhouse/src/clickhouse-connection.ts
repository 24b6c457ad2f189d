import { randomUUID } from "node:crypto";
import { type ClickHouseClient, ClickHouseLogLevel, type ClickHouseSettings, createClient } from "@clickhouse/client";
import type { z } from "zod";
import { ClickHouseStoreError, clickhouseFailure } from "./clickhouse-failure.js";
import { databaseIdentifier, quoteString } from "./sql-literal.js";

export interface ClickHouseConnectionOptions {
  /** HTTP endpoint, e.g. `http://127.0.0.1:8123`; credentials may be in the URL. */
  url: string;
  /** Created by `migrate` when missing. Default `meterline`. */
  database?: string;
  requestTimeoutMs?: number;
}

/**
 * Settings sent with every request, all known to 18.16. A batch's dedup lookups and a customer's
 * meters can exceed the 256 KiB default query size; the AST limits grow with it.
 */
const SETTINGS: ClickHouseSettings = {
  max_query_size: String(8 * 1024 * 1024),
  max_ast_elements: String(2_000_000),
  max_expanded_ast_elements: String(2_000_000),
};

export const DEFAULT_DATABASE = "meterline";

/**
 * The one way this package talks to ClickHouse: `query` validates every row with zod, `command`
 * runs DDL and other statements without a result, `insert` streams JSONEachRow rows (values
 * serialized by JSON, never spliced into SQL). No `query_params`: 18.16 does not support them.
 */
export class ClickHouseConnection {
  readonly database: string;

  private constructor(
    private readonly client: ClickHouseClient,
    private readonly options: ClickHouseConnectionOptions,
    database: string,
  ) {
    this.database = database;
  }

  static open(options: ClickHouseConnectionOptions): ClickHouseConnection {
    const database = databaseIdentifier(options.database ?? DEFAULT_DATABASE);
    return new ClickHouseConnection(ClickHouseConnection.client(options, database), options, database);
  }

  private static client(options: ClickHouseConnectionOptions, database: string): ClickHouseClient {
    return createClient({
      url: options.url,
      database,
      request_timeout: options.requestTimeoutMs ?? 60_000,
      clickhouse_settings: SETTINGS,
      // Failures are rethrown wrapped, with the driver's error as the cause; logging them here too is noise.
      log: { level: ClickHouseLogLevel.OFF },
    });
  }

  /**
   * Runs `sql` (without a FORMAT clause) and validates each JSONEachRow row with `row`. Failures
   * are wrapped: `UnavailableError` when retrying may help, `ClickHouseStoreError` otherwise.
   */
  async query<Row>(args: { sql: string; row: z.ZodType<Row> }): Promise<Row[]> {
    let rows: unknown[];
    try {
      const result = await this.client.query({ query: args.sql, format: "JSONEachRow" });
      rows = await result.json<unknown>();
    } catch (error) {
      throw clickhouseFailure(error, "run a query");
    }
    return rows.map((raw, index) => {
      const parsed = args.row.safeParse(raw);
      if (parsed.success) return parsed.data;
      throw new ClickHouseStoreError(
        `ClickHouse row ${index} does not match its schema: ${parsed.error.message}\nrow: ${JSON.stringify(raw)}`,
      );
    });
  }

  async command(sql: string): Promise<void> {
    try {
      await this.client.command({ query: sql });
    } catch (error) {
      throw clickhouseFailure(error, "run a statement");
    }
  }

  /**
   * Appends rows to `table`. If the request fails, its outcome is unknown: the server may still be
   * writing. The query is then killed and waited for (`KILL QUERY … SYNC`) before the error is
   * rethrown, so whatever the caller reads next (a retry's dedup lookup) sees the final state and
   * never races a write still in flight.
   */
  async insert(
    table: "events_v1" | "event_ids_v1" | "event_external_ids_v1" | "external_customer_aliases_v1",
    rows: object[],
  ): Promise<void> {
    if (rows.length === 0) return;
    const queryId = `meterline-insert-${randomUUID()}`;
    try {
      await this.client.insert({ table, values: rows, format: "JSONEachRow", query_id: queryId });
    } catch (error) {
      await this.command(`KILL QUERY WHERE query_id = ${quoteString(queryId)} SYNC`).catch(() => undefined);
      throw clickhouseFailure(error, `insert into ${table}`);
    }
  }

  /** Creates the database when missing, through a client bound to `default` (a missing one can't be used). */
  async createDatabase(): Promise<void> {
    await this.asAdministrator(`CREATE DATABASE IF NOT EXISTS ${this.database}`);
  }

  /** Drops the whole database (test teardown). */
  async dropDatabase(): Promise<void> {
    await this.asAdministrator(`DROP DATABASE IF EXISTS ${this.database}`);
  }

  private async asAdministrator(sql: string): Promise<void> {
    const admin = ClickHouseConnection.client(this.options, "default");
    try {
      await admin.command({ query: sql });
    } catch (error) {
      throw clickhouseFailure(error, "manage the database");
    } finally {
      await admin.close();
    }
  }

  async ping(): Promise<void> {
    const result = await this.client.ping();
    if (!result.success) throw clickhouseFailure(result.error, "ping");
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}
