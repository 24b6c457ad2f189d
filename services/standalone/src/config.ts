import { resolve } from "node:path";
import { z } from "zod";

const Config = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8000),
  HOST: z.string().default("127.0.0.1"),
  METERLINE_DATA_DIR: z.string().default("./.meterline"),
  METERLINE_BOOTSTRAP_TOKEN: z.string().optional(),
  METERLINE_BOOTSTRAP_ADMIN_TOKEN: z.string().optional(),
  DATABASE_URL: z.string().optional(),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  METERLINE_DEDUP_RETENTION_DAYS: z.coerce.number().int().min(35).default(35),
  METERLINE_LOG_RETENTION_DAYS: z.coerce.number().int().min(1).default(7),
});

export interface EngineConfig {
  port: number;
  host: string;
  dataDir: string;
  bootstrapToken: string | undefined;
  bootstrapAdminToken: string | undefined;
  databaseUrl: string | undefined;
  logLevel: z.infer<typeof Config>["LOG_LEVEL"];
  dedupRetentionDays: number;
  logRetentionDays: number;
}

/** Reads the environment once, at start-up; everything else receives a typed config. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): EngineConfig {
  const parsed = Config.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; ");
    throw new Error(`Invalid configuration: ${problems}`);
  }
  const c = parsed.data;
  for (const name of ["KAFKA_BROKERS", "CLICKHOUSE_URL", "REDIS_URL"] as const) {
    if (env[name]) {
      throw new Error(
        `${name} is set, but the standalone engine runs on the embedded adapters (and DATABASE_URL) only.`,
      );
    }
  }
  return {
    port: c.PORT,
    host: c.HOST,
    dataDir: resolve(c.METERLINE_DATA_DIR),
    bootstrapToken: c.METERLINE_BOOTSTRAP_TOKEN || undefined,
    bootstrapAdminToken: c.METERLINE_BOOTSTRAP_ADMIN_TOKEN || undefined,
    databaseUrl: c.DATABASE_URL || undefined,
    logLevel: c.LOG_LEVEL,
    dedupRetentionDays: c.METERLINE_DEDUP_RETENTION_DAYS,
    logRetentionDays: c.METERLINE_LOG_RETENTION_DAYS,
  };
}
