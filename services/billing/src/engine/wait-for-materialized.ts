import { MATERIALIZER_GROUP, UnavailableError } from "@meterline/core";
import type { BillingDeps } from "./billing-deps.js";

/**
 * Waits until the materializer has stored everything appended to the organization's partition so
 * far (invariant 6: a window is computed only once fully materialized). Throws, so the job
 * retries, if that takes longer than the timeout.
 */
export async function waitForMaterialized(deps: BillingDeps, organizationId: string): Promise<void> {
  const partition = deps.log.partitionFor(organizationId);
  const head = await deps.log.head(partition);
  if (head === null) return;
  const deadline = Date.now() + (deps.materializeTimeoutMs ?? 60_000);
  let delay = 5;
  while (true) {
    const watermark = await deps.log.watermark(MATERIALIZER_GROUP, partition);
    if (watermark !== null && watermark.offset >= head.offset) return;
    if (Date.now() > deadline) throw new UnavailableError("The materializer has not caught up with the log yet.");
    await new Promise((resolve) => setTimeout(resolve, delay));
    delay = Math.min(200, delay * 2);
  }
}
