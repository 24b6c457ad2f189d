/**
 * `npm run start:distributed`: the four Meterline services as separate processes against the
 * local stack (infra/local/up.sh), with the public API on PORT (default 8000) and the others on
 * the next ports: ingest PORT+1, materializer health PORT+2, billing health PORT+3.
 *
 * Connection settings come from the environment, else from infra/local/.run/stack.env (written by
 * up.sh). METERLINE_BOOTSTRAP_TOKEN / METERLINE_BOOTSTRAP_ADMIN_TOKEN work as with `npm start`.
 * Ctrl-C stops every service gracefully.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

export const SERVICES = ["api", "ingest", "materializer", "billing"] as const;
export type ServiceName = (typeof SERVICES)[number];

/** The stack's connection variables: the caller's environment wins over stack.env. */
export function stackEnvironment(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const file = join(root, "infra/local/.run/stack.env");
  const fromFile: Record<string, string> = {};
  if (existsSync(file)) {
    for (const line of readFileSync(file, "utf8").split("\n")) {
      const match = /^([A-Z_]+)=(.*)$/.exec(line.trim());
      if (match?.[1] !== undefined && match[2] !== undefined) fromFile[match[1]] = match[2];
    }
  }
  const merged: NodeJS.ProcessEnv = { ...env };
  for (const name of ["DATABASE_URL", "KAFKA_BROKERS", "CLICKHOUSE_URL", "REDIS_URL"]) {
    if (!merged[name] && fromFile[name]) merged[name] = fromFile[name];
  }
  return merged;
}

export interface ServiceProcess {
  name: ServiceName;
  port: number;
  child: ChildProcess;
}

/**
 * Starts one service with `env`, its output prefixed with its name on this process's stdout.
 * `nodeFlags` go before the script (e.g. `--cpu-prof`, which NODE_OPTIONS does not accept).
 */
export function startService(
  name: ServiceName,
  port: number,
  env: NodeJS.ProcessEnv,
  output?: (line: string) => void,
  nodeFlags: readonly string[] = [],
): ServiceProcess {
  const child = spawn(process.execPath, [...nodeFlags, "--import", "tsx", join(root, `services/${name}/src/main.ts`)], {
    cwd: root,
    env: { ...env, PORT: String(port) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const write = output ?? ((line: string) => process.stdout.write(`${name.padEnd(12)} ${line}\n`));
  let buffered = "";
  const onData = (chunk: Buffer) => {
    buffered += chunk.toString("utf8");
    const lines = buffered.split("\n");
    buffered = lines.pop() ?? "";
    for (const line of lines) if (line.trim() !== "") write(line);
  };
  child.stdout?.on("data", onData);
  child.stderr?.on("data", onData);
  return { name, port, child };
}

export function servicePorts(base: number): Record<ServiceName, number> {
  return { api: base, ingest: base + 1, materializer: base + 2, billing: base + 3 };
}

/** Resolves when `url` answers 200, or rejects after `timeoutMs` naming it. */
export async function waitForHttp(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url, { signal: AbortSignal.timeout(2000) })).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${url} did not answer 200 within ${timeoutMs} ms`);
}

async function main(): Promise<void> {
  const env = stackEnvironment();
  const missing = ["DATABASE_URL", "KAFKA_BROKERS", "CLICKHOUSE_URL", "REDIS_URL"].filter((name) => !env[name]);
  if (missing.length > 0) {
    process.stderr.write(
      `start:distributed: ${missing.join(", ")} not set and no infra/local/.run/stack.env; run \`npm run stack:up\` first.\n`,
    );
    process.exit(1);
  }
  const ports = servicePorts(Number(env.PORT ?? 8000));
  // The API runs the migrations and the bootstrap first; the others start once it answers.
  const processes = [startService("api", ports.api, env)];
  await waitForHttp(`http://127.0.0.1:${ports.api}/healthz`, 120_000);
  for (const name of ["ingest", "materializer", "billing"] as const)
    processes.push(startService(name, ports[name], env));
  await Promise.all(
    processes.map((service) =>
      waitForHttp(`http://127.0.0.1:${service.port}/readyz`, 120_000).catch((error: Error) => {
        process.stderr.write(`${service.name}: ${error.message}\n`);
      }),
    ),
  );
  process.stdout.write(
    `\nMeterline (distributed) is running: API http://127.0.0.1:${ports.api}, ingest http://127.0.0.1:${ports.ingest}, ` +
      `materializer health http://127.0.0.1:${ports.materializer}, billing health http://127.0.0.1:${ports.billing}\n  Press Ctrl-C to stop.\n\n`,
  );
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    for (const service of processes) service.child.kill("SIGTERM");
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  await Promise.all(processes.map((service) => new Promise((resolve) => service.child.once("exit", resolve))));
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((error) => {
    process.stderr.write(`start:distributed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
