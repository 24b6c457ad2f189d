import pino, { type Logger } from "pino";

/** Structured JSON logs on stdout, one line per entry. */
export function createLogger(service: string, level: string): Logger {
  return pino({ level, base: { service } });
}

/**
 * Stops the service once on SIGINT/SIGTERM (a second signal forces the exit): `stop` drains
 * in-flight work, commits and closes connections, in that order.
 */
export function stopOnSignals(logger: Logger, stop: () => Promise<void>): void {
  let signals = 0;
  const shutdown = (signal: NodeJS.Signals) => {
    signals += 1;
    if (signals > 1) {
      logger.warn({ signal }, "forced exit");
      process.exit(130);
    }
    logger.info({ signal }, "shutting down");
    stop()
      .then(() => {
        logger.info("stopped");
        process.exit(0);
      })
      .catch((error: unknown) => {
        logger.error({ err: error }, "shutdown failed");
        process.exit(1);
      });
  };
  process.on("SIGINT", shutdown);
  process.on("SIGTERM", shutdown);
}

/** Reads a port variable (`0` = any free port). */
export function portFrom(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`${name} must be a port number, got "${raw}"`);
  return port;
}
