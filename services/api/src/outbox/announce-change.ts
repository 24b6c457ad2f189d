import type { Announcement } from "@meterline/billing";
import type { IdGenerator } from "@meterline/core";
import type { Repositories } from "../deps.js";

/**
 * Writes the outbox records announcing a change the API made, in the change's transaction
 * (`repositories` bound to it), with the billing engine's `announce`: one renderer for every
 * webhook payload. The engine is loaded on first use: it imports this package, so a static
 * import would close a cycle at module load.
 */
export async function announceChange(
  repositories: Repositories,
  deps: { ids: IdGenerator; now: Date },
  announcements: readonly Announcement[],
): Promise<void> {
  const { announce } = await import("@meterline/billing");
  await announce(repositories, deps, announcements);
}
