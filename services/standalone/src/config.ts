import { type WebhookUrlPolicy, webhookUrlPolicyFromEnv } from "@meterline/api";
import { type WebhookOptions, webhookOptionsFromEnv } from "@meterline/billing";
import { loadRuntimeConfig, portFrom, type RuntimeConfig } from "@meterline/runtime";

export interface EngineConfig {
  port: number;
  host: string;
  bootstrapToken: string | undefined;
  bootstrapAdminToken: string | undefined;
  /** METERLINE_SANDBOX=1: `POST /v1/sandbox/clock` moves the engine's clock forward. */
  sandbox: boolean;
  /** METERLINE_PAYMENT_PROVIDER: `test` (default, orders paid at once) or `manual`. */
  payments: "test" | "manual";
  runtime: RuntimeConfig;
  /** NODE_ENV, METERLINE_WEBHOOK_ALLOW_PRIVATE, METERLINE_WEBHOOK_ALLOWED_HOSTS. */
  webhookUrlPolicy: WebhookUrlPolicy;
  /** METERLINE_WEBHOOK_*_MS. */
  webhooks: WebhookOptions;
}

/** Reads the environment once, at start-up; everything else receives a typed config. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): EngineConfig {
  const payments = env.METERLINE_PAYMENT_PROVIDER || "test";
  if (payments !== "test" && payments !== "manual") {
    throw new Error(`METERLINE_PAYMENT_PROVIDER must be "test" or "manual", got "${payments}"`);
  }
  return {
    sandbox: env.METERLINE_SANDBOX === "1" || env.METERLINE_SANDBOX === "true",
    payments,
    port: portFrom(env, "PORT", 8000),
    host: env.HOST || "127.0.0.1",
    bootstrapToken: env.METERLINE_BOOTSTRAP_TOKEN || undefined,
    bootstrapAdminToken: env.METERLINE_BOOTSTRAP_ADMIN_TOKEN || undefined,
    runtime: loadRuntimeConfig(env),
    webhookUrlPolicy: webhookUrlPolicyFromEnv(env),
    webhooks: webhookOptionsFromEnv(env),
  };
}
