import pg from "pg";
import type { SqlClient } from "./sql-client.js";

const typeParsers = {
  getTypeParser(oid: number, format?: "text" | "binary") {
    if (oid === 20) return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format);
  },
};

class PgTransactionClient implements SqlClient {
  readonly engine = "postgres" as const;
  constructor(private readonly client: pg.PoolClient) {}
  async query<Row>(sql: string, params: readonly unknown[] = []): Promise<Row[]> {
    const result = await this.client.query({ text: sql, values: params as unknown[], types: typeParsers });
    return result.rows as Row[];
  }
  async transaction<T>(fn: (tx: SqlClient) => Promise<T>): Promise<T> {
    return fn(this);
  }
  async exec(sql: string): Promise<void> {
    await this.client.query(sql);
  }
  async close(): Promise<void> {}
}

export class PgClient implements SqlClient {
  readonly engine = "postgres" as const;
  private constructor(readonly pool: pg.Pool) {}

  static connect(connectionString: string, options: { max?: number } = {}): PgClient {
    const pool = new pg.Pool({ connectionString, max: options.max ?? 10 });
    // An idle client erroring (server restart) must not crash the process; the next query reconnects.
    pool.on("error", () => {});
    return new PgClient(pool);
  }

  async query<Row>(sql: string, params: readonly unknown[] = []): Promise<Row[]> {
    const result = await this.pool.query({ text: sql, values: params as unknown[], types: typeParsers });
    return result.rows as Row[];
  }

  async transaction<T>(fn: (tx: SqlClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query("BEGIN");
      const result = await fn(new PgTransactionClient(client));
      await client.query("COMMIT");
      return result;
    } catch (error) {
      await client.query("ROLLBACK").catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  }

  async exec(sql: string): Promise<void> {
    await this.pool.query(sql);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
