import { cpSync, existsSync, mkdtempSync, readFileSync, renameSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { PgliteClient } from "@meterline/postgres";

/**
 * A private PGlite data directory for one test engine, copied from an initialized template.
 * An in-memory PGlite runs initdb on every open (seconds on a busy machine); resuming a copied
 * cluster takes a fraction of that. The template is an empty cluster shared by every test worker
 * (migrations still run per engine), keyed by the PGlite version and built once, race-free: each
 * builder works in its own directory and the first rename wins.
 */
export function freshDataDir(): Promise<{ dir: string; remove(): void }> {
  return templatePromise.then((template) => {
    const dir = mkdtempSync(join(tmpdir(), "meterline-http-"));
    cpSync(template, join(dir, "pgdata"), { recursive: true });
    return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
  });
}

function pgliteVersion(): string {
  const entry = createRequire(import.meta.url).resolve("@electric-sql/pglite");
  const manifest = JSON.parse(readFileSync(join(dirname(entry), "..", "package.json"), "utf8")) as { version: string };
  return manifest.version;
}

async function buildTemplate(): Promise<string> {
  const template = join(tmpdir(), `meterline-http-pgdata-${pgliteVersion()}`);
  if (existsSync(join(template, "PG_VERSION"))) return template;
  const building = mkdtempSync(join(tmpdir(), "meterline-http-template-"));
  const db = await PgliteClient.open(join(building, "pgdata"));
  await db.close();
  try {
    renameSync(join(building, "pgdata"), template);
  } catch (error) {
    // Another worker published it first; its copy is as good as ours.
    if (!existsSync(join(template, "PG_VERSION"))) throw error;
  } finally {
    rmSync(building, { recursive: true, force: true });
  }
  return template;
}

const templatePromise = buildTemplate();
