import { loadRuntimeConfig, portFrom, type RuntimeConfig } from "@meterline/runtime";

export interface EngineConfig {
  port: number;
  host: string;
  bootstrapToken: string | undefined;
  bootstrapAdminToken: string | undefined;
  runtime: RuntimeConfig;
}

/** Reads the environment once, at start-up; everything else receives a typed config. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): EngineConfig {
  return {
    port: portFrom(env, "PORT", 8000),
    host: env.HOST || "127.0.0.1",
    bootstrapToken: env.METERLINE_BOOTSTRAP_TOKEN || undefined,
    bootstrapAdminToken: env.METERLINE_BOOTSTRAP_ADMIN_TOKEN || undefined,
    runtime: loadRuntimeConfig(env),
  };
}
