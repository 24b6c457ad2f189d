/**
 * The one database handle every Postgres adapter takes. Implemented over PGlite (embedded) and
 * over a `pg` pool (real PostgreSQL), so the same SQL and migrations run on both.
 * Row values come back as: int8 → number, numeric → string, timestamptz → Date, jsonb → parsed.
 */
export interface SqlClient {
  query<Row = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<Row[]>;
  /** Runs `fn` in one transaction; commits when it resolves, rolls back when it throws. */
  transaction<T>(fn: (tx: SqlClient) => Promise<T>): Promise<T>;
  /** Several statements, no parameters (migrations). */
  exec(sql: string): Promise<void>;
  close(): Promise<void>;
  /** "pglite" or "postgres": for the rare place where the engines differ (locking). */
  readonly engine: "pglite" | "postgres";
}

/** Positional placeholder builder: keeps parameter numbering out of string concatenation. */
export class Params {
  readonly values: unknown[] = [];
  constructor(start: unknown[] = []) {
    this.values.push(...start);
  }
  /** Adds a value and returns its placeholder (`$n`). */
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}
