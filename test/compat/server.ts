import { type ChildProcess, execFile, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { cpSync, existsSync, mkdtempSync, readFileSync, renameSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const REPO_ROOT = fileURLToPath(new URL("../..", import.meta.url));
const MAIN = join(REPO_ROOT, "services/standalone/src/main.ts");

/** Fixed so tests (and a human reading a failure) know them in advance; each server has its own data. */
export const ORGANIZATION_TOKEN = "polar_oat_compat_organization_0123456789";
export const ADMIN_TOKEN = "polar_pat_compat_admin_0123456789abcdef";

/** A fresh PGlite cluster takes several seconds of CPU to initialise; on 2 loaded cores, more. */
const START_TIMEOUT_MS = 90_000;
const STOP_GRACE_MS = 10_000;

/** Adapters the standalone engine refuses, or that would point it at someone else's database. */
const STRIPPED_ENV = ["DATABASE_URL", "KAFKA_BROKERS", "CLICKHOUSE_URL", "REDIS_URL", "PORT", "HOST", "NODE_OPTIONS"];

export interface RunningServer {
  /** `http://127.0.0.1:<port>`, the `serverURL` for the SDK. */
  readonly url: string;
  /** The engine's data directory (distributed target: the cluster's PostgreSQL database). */
  readonly dataDir: string;
  /** Sends a signal and resolves when the process is gone (crash tests use SIGKILL). */
  kill(signal: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Everything the process wrote, for failure messages. */
  output(): string;
  /** SIGTERM, SIGKILL after a grace period, then the data directory is removed. */
  stop(): Promise<void>;
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once("exit", () => resolve()));
}

async function healthy(url: string): Promise<boolean> {
  try {
    const response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2000) });
    return response.status === 200;
  } catch {
    return false;
  }
}

function pgliteVersion(): string {
  // Resolved from the package that declares the dependency, not from wherever npm hoisted it.
  const require = createRequire(join(REPO_ROOT, "packages/postgres/package.json"));
  let directory = dirname(require.resolve("@electric-sql/pglite"));
  while (!existsSync(join(directory, "package.json"))) directory = dirname(directory);
  return (JSON.parse(readFileSync(join(directory, "package.json"), "utf8")) as { version: string }).version;
}

const INITDB_SCRIPT = `
import { PGlite } from "@electric-sql/pglite";
const db = await PGlite.create({ dataDir: process.argv[1] });
await db.close();
`;

/**
 * PGlite spends most of a cold start in initdb (seconds of CPU). An empty, freshly initialised
 * cluster depends only on the PGlite version, so one is kept in the temp directory, keyed by that
 * version, and copied into each server's data directory. The engine still runs its own
 * migrations and bootstrap on the copy, exactly as on a first start.
 */
async function emptyClusterTemplate(): Promise<string> {
  const template = join(tmpdir(), `meterline-compat-pglite-${pgliteVersion()}`);
  if (existsSync(join(template, "PG_VERSION"))) return template;
  const staging = `${template}.staging-${randomUUID()}`;
  try {
    await promisify(execFile)(process.execPath, ["--input-type=module", "-e", INITDB_SCRIPT, staging], {
      cwd: join(REPO_ROOT, "packages/postgres"),
    });
    // Atomic: a concurrent run either sees no template or a complete one.
    renameSync(staging, template);
  } catch (error) {
    if (!existsSync(join(template, "PG_VERSION"))) throw error;
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return template;
}

/**
 * Starts the real standalone engine (`services/standalone/src/main.ts`) as a child process on a
 * port the OS picks (PORT=0, read back from its banner), with a fresh temporary data directory
 * (holding an empty cluster) and the fixed bootstrap tokens, and resolves once `/healthz`
 * answers 200.
 */
export interface StartOptions {
  /** Reuse this data directory (a restart); it is then left in place on stop. */
  dataDir?: string;
  /**
   * METERLINE_SANDBOX=1: `POST /v1/sandbox/clock` exists. Standalone target only; the distributed
   * services have no sandbox clock, so callers must skip what needs it there.
   */
  sandbox?: boolean;
  /** More environment for the engine (e.g. webhook timings). */
  env?: Record<string, string>;
}

export async function startServer(options: StartOptions = {}): Promise<RunningServer> {
  if (process.env.METERLINE_COMPAT_TARGET === "distributed") return startDistributed(options);
  const ownsDataDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), "meterline-compat-"));
  if (ownsDataDir) {
    // The engine keeps PGlite under <data dir>/pgdata; were that to move, it would just initdb itself.
    cpSync(await emptyClusterTemplate(), join(dataDir, "pgdata"), { recursive: true });
  }
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of STRIPPED_ENV) delete env[name];
  Object.assign(env, {
    PORT: "0",
    HOST: "127.0.0.1",
    METERLINE_DATA_DIR: dataDir,
    METERLINE_BOOTSTRAP_TOKEN: ORGANIZATION_TOKEN,
    METERLINE_BOOTSTRAP_ADMIN_TOKEN: ADMIN_TOKEN,
    LOG_LEVEL: process.env.COMPAT_LOG_LEVEL ?? "warn",
  });
  if (options.sandbox === true) env.METERLINE_SANDBOX = "1";
  Object.assign(env, options.env);
  const child = spawn(process.execPath, ["--import", "tsx", MAIN], {
    cwd: REPO_ROOT,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
    output += chunk;
  });
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
    output += chunk;
  });

  // If the test worker dies without running afterAll, the server must not outlive it.
  const removeDataDir = () => {
    if (ownsDataDir) rmSync(dataDir, { recursive: true, force: true });
  };
  const abandon = () => {
    child.kill("SIGKILL");
    removeDataDir();
  };
  process.once("exit", abandon);

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      process.off("exit", abandon);
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), STOP_GRACE_MS);
        await exited(child);
        clearTimeout(timer);
      }
      removeDataDir();
    })();
    return stopping;
  };
  const kill = async (signal: NodeJS.Signals) => {
    process.off("exit", abandon);
    if (child.exitCode === null && child.signalCode === null) {
      child.kill(signal);
      await exited(child);
    }
    return { code: child.exitCode, signal: child.signalCode };
  };

  try {
    const url = await waitForBanner(child, () => output);
    const deadline = Date.now() + START_TIMEOUT_MS;
    while (!(await healthy(url))) {
      if (child.exitCode !== null) throw new Error("exited before /healthz answered");
      if (Date.now() > deadline) throw new Error("/healthz did not answer 200 in time");
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return { url, dataDir, kill, output: () => output, stop };
  } catch (error) {
    await stop();
    throw new Error(`Meterline did not start: ${(error as Error).message}\n--- server output ---\n${output}`);
  }
}

function waitForBanner(child: ChildProcess, output: () => string): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => finish(new Error(`no banner within ${START_TIMEOUT_MS} ms`)), START_TIMEOUT_MS);
    const onData = () => {
      const match = /Meterline is running on (http:\/\/\S+)/.exec(output());
      if (match?.[1] !== undefined) finish(null, match[1]);
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null) =>
      finish(new Error(`exited with ${signal ?? `code ${code}`} before listening`));
    const finish = (error: Error | null, url?: string) => {
      clearTimeout(timer);
      child.stdout?.off("data", onData);
      child.off("exit", onExit);
      if (error !== null) reject(error);
      else resolve(url as string);
    };
    child.stdout?.on("data", onData);
    child.once("exit", onExit);
  });
}

/**
 * `METERLINE_COMPAT_TARGET=distributed` (the `stack-compat` project): the four services as separate
 * processes on the local stack (Kafka, ClickHouse, PostgreSQL, Redis), on a fresh database, topic,
 * ClickHouse database and Redis prefix of their own, all removed by `stop()`. `url` is the API
 * service, which serves every route the SDK calls (ingest included); the same fixed tokens.
 */
async function startDistributed(options: StartOptions): Promise<RunningServer> {
  if (options.dataDir !== undefined) throw new Error("a restart on a data directory needs the standalone target");
  // Loaded only here: the default target never loads the Kafka, ClickHouse and Redis clients.
  const { Cluster } = await import("../stack/distributed/cluster.js");
  const cluster = await Cluster.start({
    label: "compat",
    logLevel: process.env.COMPAT_LOG_LEVEL ?? "warn",
    bootstrap: { organizationToken: ORGANIZATION_TOKEN, adminToken: ADMIN_TOKEN },
    env: options.env,
  });
  return {
    url: cluster.api,
    dataDir: cluster.resources.database,
    kill: async (signal) => {
      const services = cluster.running;
      await Promise.all(services.map((service) => cluster.kill(service, signal)));
      const api = services.find((service) => service.name === "api")?.process.child;
      return { code: api?.exitCode ?? null, signal: api?.signalCode ?? null };
    },
    output: () => cluster.output(),
    stop: () => cluster.stop(),
  };
}
