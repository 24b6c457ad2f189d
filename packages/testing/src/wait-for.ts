/** Generous bound for anything asynchronous a contract waits on; correct adapters take milliseconds. */
export const CONTRACT_WAIT_MS = 5000;

/**
 * Polls `condition` until it holds. Throws with `description` once `timeoutMs` has passed, so a
 * missing delivery fails the test with a message instead of hanging it.
 */
export async function waitFor(
  description: string | (() => string),
  condition: () => boolean | Promise<boolean>,
  timeoutMs = CONTRACT_WAIT_MS,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await condition()) return;
    if (Date.now() > deadline) {
      const what = typeof description === "string" ? description : description();
      throw new Error(`Timed out after ${timeoutMs} ms waiting for: ${what}`);
    }
    await sleep(5);
  }
}

export function sleep(milliseconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}

/** A promise the test resolves by hand: holds a handler in flight until the test lets it go. */
export interface Gate {
  readonly promise: Promise<void>;
  open(): void;
}

export function createGate(): Gate {
  let open: () => void = () => {};
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

/** Whether `promise` has settled, without waiting for it. */
export async function hasSettled(promise: Promise<unknown>): Promise<boolean> {
  const pending = Symbol("pending");
  const winner = await Promise.race([
    promise.then(
      () => "settled",
      () => "settled",
    ),
    new Promise((resolve) => setImmediate(() => resolve(pending))),
  ]);
  return winner !== pending;
}
