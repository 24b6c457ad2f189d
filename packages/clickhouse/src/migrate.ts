import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import type { ClickHouseConnection } from "./clickhouse-connection.js";
import { integerLiteral, quoteString } from "./sql-literal.js";

const SCHEMA_DIR = join(dirname(fileURLToPath(import.meta.url)), "..", "schema");

export interface Migration {
  version: number;
  name: string;
  /** One statement each: ClickHouse's HTTP interface runs a single statement per request. */
  statements: string[];
}

export function loadMigrations(directory = SCHEMA_DIR): Migration[] {
  return readdirSync(directory)
    .filter((file) => /^\d{4}_[a-z0-9_]+\.sql$/.test(file))
    .sort()
    .map((file) => ({
      version: Number(file.slice(0, 4)),
      name: file.slice(5, -4),
      statements: splitStatements(readFileSync(join(directory, file), "utf8")),
    }));
}

/**
 * Statements end with `;` at the end of a line; `--` comment lines are dropped. Schema files hold
 * DDL only, with no `;` inside literals, which this simple rule relies on.
 */
export function splitStatements(sql: string): string[] {
  return sql
    .split("\n")
    .filter((line) => !line.trimStart().startsWith("--"))
    .join("\n")
    .split(/;[ \t]*(?:\n|$)/)
    .map((statement) => statement.trim())
    .filter((statement) => statement !== "");
}

const AppliedVersion = z.object({ version: z.number().int() });

/**
 * Applies forward-only numbered schema files once each, recording them in `schema_migrations`,
 * and creates the database first. ClickHouse has no transactions or locks: a crash between a
 * statement and its record re-runs the file, which is why every statement must be idempotent
 * (`IF NOT EXISTS`; 18.16 has no `ADD COLUMN IF NOT EXISTS`, so a later migration adding a column
 * must check `system.columns` itself). Two starters racing both record a version; readers dedupe.
 */
export async function migrate(connection: ClickHouseConnection, directory = SCHEMA_DIR): Promise<number[]> {
  await connection.createDatabase();
  await connection.command(
    `CREATE TABLE IF NOT EXISTS schema_migrations (version UInt32, name String, applied_at DateTime DEFAULT now())
     ENGINE = MergeTree ORDER BY version`,
  );
  const rows = await connection.query({
    sql: "SELECT DISTINCT version FROM schema_migrations",
    row: AppliedVersion,
  });
  const applied = new Set(rows.map((row) => row.version));
  const done: number[] = [];
  for (const migration of loadMigrations(directory)) {
    if (applied.has(migration.version)) continue;
    for (const statement of migration.statements) await connection.command(statement);
    await connection.command(
      `INSERT INTO schema_migrations (version, name) VALUES (${integerLiteral(migration.version)}, ${quoteString(migration.name)})`,
    );
    done.push(migration.version);
  }
  return done;
}
