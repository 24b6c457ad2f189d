import { execFile } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const LOCAL = fileURLToPath(new URL("../../../infra/local", import.meta.url));

export type StackComponent = "kafka" | "clickhouse";

/**
 * Stops or starts one server of the local stack through the stack's own scripts (its pid file,
 * graceful TERM; up.sh waits for real readiness), as an operator would.
 */
async function run(script: "up.sh" | "down.sh", component: StackComponent): Promise<number> {
  const startedAt = Date.now();
  try {
    await promisify(execFile)("bash", [join(LOCAL, script)], {
      env: { ...process.env, METERLINE_STACK_COMPONENTS: component },
      timeout: 240_000,
      maxBuffer: 16 * 1024 * 1024,
    });
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(`${script} ${component} failed: ${(error as Error).message}\n${stdout ?? ""}\n${stderr ?? ""}`);
  }
  return Date.now() - startedAt;
}

export const stopComponent = (component: StackComponent) => run("down.sh", component);
export const startComponent = (component: StackComponent) => run("up.sh", component);

/**
 * Tracks one component a test takes down, so the test's cleanup brings it back up whatever
 * happened (a failed assertion, a timeout) and the next suites find the stack running.
 */
export class Outage {
  private down = false;

  constructor(readonly component: StackComponent) {}

  async begin(): Promise<number> {
    this.down = true;
    return stopComponent(this.component);
  }

  async end(): Promise<number> {
    const took = await startComponent(this.component);
    this.down = false;
    return took;
  }

  /** For afterEach/afterAll: starts the component again if a test left it down. */
  async restore(): Promise<void> {
    if (this.down) await this.end();
  }
}
