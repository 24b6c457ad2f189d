import { bodyOf, defineRoute, type RouteDefinition, ValidationFailure } from "@meterline/api";
import { formatDateTime, SandboxClockInput } from "@meterline/api-schema";
import type { SandboxClock } from "@meterline/core";
import { z } from "zod";
import type { BillingDeps } from "../engine/billing-deps.js";
import { runDueWork } from "../engine/scheduler.js";

const clockBody = bodyOf(SandboxClockInput);

const SandboxClockResult = z.object({
  now: z.string(),
  /** Billing steps (cycles, settlements, final orders) the move made due and that ran before the answer. */
  processed: z.number().int(),
});

/**
 * Sandbox mode only: moves the engine's clock forward, then runs every billing step that became
 * due, so the answer reflects the cycles it caused. The clock is the whole engine's, so changing it
 * takes `organizations:write` (the organization-level write scope).
 */
export function sandboxClockRoutes(deps: BillingDeps, clock: SandboxClock): RouteDefinition[] {
  return [
    defineRoute({
      method: "POST",
      url: "/v1/sandbox/clock",
      operationId: "sandbox:clock",
      summary: "Move the sandbox clock",
      tag: "sandbox",
      auth: { scopes: ["organizations:write"] },
      body: clockBody,
      status: 200,
      docs: {
        body: SandboxClockInput,
        response: SandboxClockResult,
        description: "Sandbox mode only: `{advance_seconds}` or `{to}` (never back), then the due billing runs.",
      },
      handler: async ({ body }) => {
        if ("advanceSeconds" in body) {
          clock.advance(body.advanceSeconds * 1000);
        } else {
          if (body.to.getTime() < clock.now().getTime()) {
            throw ValidationFailure.business({
              type: "value_error",
              loc: ["body", "to"],
              msg: "The sandbox clock never goes back.",
              input: formatDateTime(body.to),
            });
          }
          clock.advanceTo(body.to);
        }
        const processed = await runDueWork(deps);
        return { now: formatDateTime(clock.now()), processed };
      },
    }),
  ];
}
