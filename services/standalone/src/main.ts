import { BootstrapTokenError } from "@meterline/api";
import { loadConfig } from "./config.js";
import { lockDataDir } from "./data-dir-lock.js";
import { createEngine } from "./engine.js";

function fail(message: string): never {
  process.stderr.write(`meterline: ${message}\n`);
  process.exit(1);
}

async function main(): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (error) {
    fail((error as Error).message);
  }
  const { runtime } = config;
  const dataDir = runtime.databaseUrl === undefined ? runtime.dataDir : undefined;
  const release = dataDir !== undefined ? lockDataDir(dataDir) : () => {};
  let engine: Awaited<ReturnType<typeof createEngine>>;
  try {
    engine = await createEngine({
      config: runtime,
      sandbox: config.sandbox,
      payments: config.payments,
      webhookUrlPolicy: config.webhookUrlPolicy,
      webhooks: config.webhooks,
      logger: { level: runtime.logLevel },
      bootstrap: { organizationToken: config.bootstrapToken, adminToken: config.bootstrapAdminToken },
    });
  } catch (error) {
    release();
    if (error instanceof BootstrapTokenError) fail(error.message);
    throw error;
  }
  let address: string;
  try {
    address = await engine.app.listen({ port: config.port, host: config.host });
  } catch (error) {
    await engine.stop();
    release();
    if ((error as NodeJS.ErrnoException).code === "EADDRINUSE")
      fail(`port ${config.port} on ${config.host} is in use; set PORT to another one.`);
    throw error;
  }

  const lines = [
    "",
    `Meterline is running on ${address}  (data: ${dataDir ?? engine.adapters})`,
    `  API docs: ${address}/docs`,
    ...(config.sandbox ? ["  Sandbox mode: POST /v1/sandbox/clock moves the billing clock forward."] : []),
  ];
  const boot = engine.bootstrapResult;
  if (boot?.organizationToken !== undefined || boot?.adminToken !== undefined) {
    lines.push(`  Organization: ${boot.organizationName} (${boot.organizationId})`);
    if (boot.organizationToken !== undefined) {
      lines.push(`  Organization access token (for your application, shown once):`, `    ${boot.organizationToken}`);
    }
    if (boot.adminToken !== undefined) {
      lines.push(`  Admin token (creates organizations and tokens, shown once):`, `    ${boot.adminToken}`);
    }
  }
  lines.push("  Press Ctrl-C to stop.", "");
  process.stdout.write(`${lines.join("\n")}\n`);

  let signals = 0;
  const shutdown = (signal: NodeJS.Signals) => {
    signals += 1;
    if (signals > 1) {
      process.stderr.write("meterline: forced exit\n");
      process.exit(130);
    }
    engine.app.log.info({ signal }, "shutting down");
    engine
      .stop()
      .then(() => {
        release();
        process.exit(0);
      })
      .catch((error) => {
        engine.app.log.error({ err: error }, "shutdown failed");
        release();
        process.exit(1);
      });
  };
  process.on("SIGINT", shutdown);
  process.on("SIGTERM", shutdown);
}

main().catch((error) => {
  process.stderr.write(
    `meterline: failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
