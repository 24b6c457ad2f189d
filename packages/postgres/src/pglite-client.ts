import { mkdirSync } from "node:fs";
import { PGlite, type Transaction, types } from "@electric-sql/pglite";
import type { SqlClient } from "./sql-client.js";

const parsers = {
  [types.INT8]: (value: string) => Number(value),
};

export class PgliteTransactionClient implements SqlClient {
  readonly engine = "pglite" as const;
  constructor(private readonly tx: Transaction) {}
  async query<Row>(sql: string, params: readonly unknown[] = []): Promise<Row[]> {
    const result = await this.tx.query<Row>(sql, params as unknown[]);
    return result.rows;
  }
  async transaction<T>(fn: (tx: SqlClient) => Promise<T>): Promise<T> {
    // Already inside one: PGlite has a single connection, nesting is flattening.
    return fn(this);
  }
  async exec(sql: string): Promise<void> {
    await this.tx.exec(sql);
  }
  async close(): Promise<void> {}
}

export class PgliteClient implements SqlClient {
  readonly engine = "pglite" as const;
  private constructor(readonly db: PGlite) {}

  /** `dataDir` undefined = in memory (tests). */
  static async open(dataDir?: string): Promise<PgliteClient> {
    if (dataDir !== undefined) mkdirSync(dataDir, { recursive: true });
    const db = await PGlite.create({ dataDir, parsers });
    return new PgliteClient(db);
  }

  async query<Row>(sql: string, params: readonly unknown[] = []): Promise<Row[]> {
    const result = await this.db.query<Row>(sql, params as unknown[]);
    return result.rows;
  }

  async transaction<T>(fn: (tx: SqlClient) => Promise<T>): Promise<T> {
    return this.db.transaction((tx) => fn(new PgliteTransactionClient(tx)));
  }

  async exec(sql: string): Promise<void> {
    await this.db.exec(sql);
  }

  async close(): Promise<void> {
    if (!this.db.closed) await this.db.close();
  }
}
