import { describe, it } from "vitest";

export interface StackStatus {
  available: boolean;
  /** Why the server is unavailable; null when it answered. */
  reason: string | null;
}

/** CI sets `METERLINE_REQUIRE_STACK=1`: then a missing server fails the run instead of skipping it. */
export function requireStack(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.METERLINE_REQUIRE_STACK === "1";
}

/**
 * Runs `probe` (a query that must answer, not just an open port) within `timeoutMs`.
 * A probe that throws or hangs means the server is unavailable.
 */
export async function stackAvailable(probe: () => Promise<unknown>, timeoutMs = 3000): Promise<StackStatus> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([probe(), timeout]);
    return { available: true, reason: null };
  } catch (error) {
    return { available: false, reason: error instanceof Error ? error.message : String(error) };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * `describe` for tests that need a real server: runs `body` when the server answered; otherwise
 * registers one failing test when the stack is required, and skips `body` when it is not.
 */
export function describeStack(name: string, status: StackStatus, body: () => void): void {
  if (status.available) {
    describe(name, body);
  } else if (requireStack()) {
    describe(name, () => {
      it("has its server available (METERLINE_REQUIRE_STACK=1)", () => {
        throw new Error(`${name}: server unavailable: ${status.reason}`);
      });
    });
  } else {
    describe.skip(`${name} (server unavailable: ${status.reason})`, body);
  }
}
