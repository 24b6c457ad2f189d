import { describe, expect, it } from "vitest";
import { loadMigrations, splitStatements } from "./migrate.js";

describe("schema files", () => {
  it("are numbered from 0001 without gaps and hold only idempotent CREATEs", () => {
    const migrations = loadMigrations();
    expect(migrations.map((migration) => migration.version)).toEqual(migrations.map((_, index) => index + 1));
    expect(migrations[0]?.name).toBe("events");
    for (const statement of migrations.flatMap((migration) => migration.statements)) {
      expect(statement).toMatch(/^CREATE TABLE IF NOT EXISTS \w+\s/);
    }
    expect(
      migrations[0]?.statements.map((statement) => /^CREATE TABLE IF NOT EXISTS (\w+)/.exec(statement)?.[1]),
    ).toEqual(["events_v1", "event_ids_v1", "event_external_ids_v1", "external_customer_aliases_v1"]);
  });

  it("use none of what ClickHouse 18.16 lacks", () => {
    const sql = loadMigrations()
      .flatMap((migration) => migration.statements)
      .join("\n");
    for (const missing of [
      /DateTime64/,
      /JSONExtract/,
      /LowCardinality/,
      /\bBool\b/,
      /\bTTL\b/,
      /\bINDEX\b/,
      /ADD COLUMN IF NOT EXISTS/,
    ]) {
      expect(sql).not.toMatch(missing);
    }
  });
});

describe("splitStatements", () => {
  it("splits on a semicolon ending a line and drops comment lines", () => {
    expect(
      splitStatements(
        "-- header; with a semicolon\nCREATE TABLE a (x UInt8);\n\n  -- note\nCREATE TABLE b (y String) ;  \nSELECT 1",
      ),
    ).toEqual(["CREATE TABLE a (x UInt8)", "CREATE TABLE b (y String)", "SELECT 1"]);
    expect(splitStatements("-- only a comment\n")).toEqual([]);
  });
});
