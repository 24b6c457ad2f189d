import { resolve } from "node:path";
import { z } from "zod";

const Env = z.object({
  DATABASE_URL: z.string().optional(),
  METERLINE_DATA_DIR: z.string().default("./.meterline"),
  KAFKA_BROKERS: z.string().optional(),
  KAFKA_TOPIC: z.string().default("meterline.events.v1"),
  KAFKA_CLIENT_ID: z.string().default("meterline"),
  CLICKHOUSE_URL: z.string().optional(),
  CLICKHOUSE_DATABASE: z.string().default("meterline"),
  REDIS_URL: z.string().optional(),
  REDIS_PREFIX: z.string().default("meterline"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  METERLINE_DEDUP_RETENTION_DAYS: z.coerce.number().int().min(35).default(35),
  METERLINE_LOG_RETENTION_DAYS: z.coerce.number().int().min(1).default(7),
});

/**
 * Which adapters to run on (ARCHITECTURE §2): each of DATABASE_URL, KAFKA_BROKERS, CLICKHOUSE_URL
 * and REDIS_URL that is unset falls back to the embedded adapter.
 */
export interface RuntimeConfig {
  databaseUrl: string | undefined;
  /** PGlite data directory; undefined = in memory (tests). */
  dataDir: string | undefined;
  kafka: { brokers: string[]; topic: string; clientId: string } | undefined;
  clickhouse: { url: string; database: string } | undefined;
  redis: { url: string; prefix: string } | undefined;
  logLevel: z.infer<typeof Env>["LOG_LEVEL"];
  dedupRetentionDays: number;
  logRetentionDays: number;
}

/** Reads the adapter part of the environment; a problem names the variable. */
/** An all-embedded configuration (tests, and the defaults of `createEngine`). */
export function embeddedConfig(overrides: Partial<RuntimeConfig> = {}): RuntimeConfig {
  return {
    databaseUrl: undefined,
    dataDir: undefined,
    kafka: undefined,
    clickhouse: undefined,
    redis: undefined,
    logLevel: "info",
    dedupRetentionDays: 35,
    logRetentionDays: 7,
    ...overrides,
  };
}

export function loadRuntimeConfig(env: NodeJS.ProcessEnv = process.env): RuntimeConfig {
  const parsed = Env.safeParse(env);
  if (!parsed.success) {
    throw new Error(
      `Invalid configuration: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
    );
  }
  const e = parsed.data;
  const brokers = (e.KAFKA_BROKERS ?? "")
    .split(",")
    .map((b) => b.trim())
    .filter((b) => b !== "");
  return {
    databaseUrl: e.DATABASE_URL || undefined,
    dataDir: resolve(e.METERLINE_DATA_DIR),
    kafka: brokers.length > 0 ? { brokers, topic: e.KAFKA_TOPIC, clientId: e.KAFKA_CLIENT_ID } : undefined,
    clickhouse: e.CLICKHOUSE_URL ? { url: e.CLICKHOUSE_URL, database: e.CLICKHOUSE_DATABASE } : undefined,
    redis: e.REDIS_URL ? { url: e.REDIS_URL, prefix: e.REDIS_PREFIX } : undefined,
    logLevel: e.LOG_LEVEL,
    dedupRetentionDays: e.METERLINE_DEDUP_RETENTION_DAYS,
    logRetentionDays: e.METERLINE_LOG_RETENTION_DAYS,
  };
}

/** Services that run as separate processes share one control plane: an embedded one cannot be shared. */
export function requireSharedDatabase(config: RuntimeConfig, service: string): void {
  if (config.databaseUrl === undefined) {
    throw new Error(
      `The ${service} service runs beside others and needs DATABASE_URL (PGlite cannot be shared between processes); use npm start for the all-in-one engine.`,
    );
  }
}
