import type { WebhookUrlPolicy } from "@meterline/api";
import type { WebhookOptions } from "@meterline/billing";
import { FixedClock, type LogRecord, MATERIALIZER_GROUP } from "@meterline/core";
import { createEngine, type Engine, type EngineOptions } from "@meterline/standalone";
import { ApiClient } from "./api-client.js";
import { freshDataDir } from "./fresh-data-dir.js";

/** Fixed bootstrap tokens, so a test can name them (shape: prefix + at least 16 characters). */
export const ORGANIZATION_TOKEN = "polar_oat_httpTestOrganizationToken0001";
export const ADMIN_TOKEN = "polar_pat_httpTestAdminToken000000000001";

/** Default time of every test engine: events on 2025-06-01 (spec §13) are in the past. */
export const DEFAULT_NOW = "2025-06-02T12:00:00Z";

export interface TestEngine {
  engine: Engine;
  deps: Engine["deps"];
  /**
   * The base clock. In sandbox mode the engine runs on a SandboxClock over it: move time through
   * `POST /v1/sandbox/clock` (moving this one directly also moves the engine's).
   */
  clock: FixedClock;
  /** The bootstrap organization. */
  organizationId: string;
  /** Calls with the bootstrap organization access token (all scopes). */
  api: ApiClient;
  /** Calls with the bootstrap personal (admin) token. */
  admin: ApiClient;
  /** Resolves once the materializer has stored and projected every record appended so far. */
  caughtUp(): Promise<void>;
  /** Appends records straight to the EventLog (system events the API cannot create yet). */
  appendSystemEvent(event: SystemEventInput): Promise<void>;
  /** A new organization and an organization access token for it (scopes default to all). */
  createOrganization(slug: string, scopes?: readonly string[]): Promise<{ id: string; api: ApiClient }>;
  stop(): Promise<void>;
}

export interface SystemEventInput {
  organizationId?: string;
  customerId: string;
  name: "meter.credited" | "meter.reset" | "benefit.granted";
  metadata: Record<string, unknown>;
  timestamp?: Date;
}

/**
 * The real standalone engine on embedded PGlite (a private copy of an empty cluster, see
 * `freshDataDir`) with a FixedClock: one per test file, stopped in `afterAll`.
 */
export interface TestEngineOptions {
  now?: string;
  /**
   * Sandbox mode: `POST /v1/sandbox/clock` moves the engine's clock (a SandboxClock over `clock`)
   * and runs the billing that became due.
   */
  sandbox?: boolean;
  /** The payment provider (default `test`: orders are paid at once). */
  payments?: "test" | "manual";
  /**
   * The clock also runs with real time from `now` (tests that wait on real delays, such as
   * webhook retries); `set` and `advance` still move it.
   */
  realTime?: boolean;
  webhooks?: WebhookOptions;
  webhookUrlPolicy?: WebhookUrlPolicy;
  /**
   * How often subscriptions with new usage are announced. Off by default: stories assert the exact
   * announcements of each step, and this timer's would land between them at random.
   */
  announceUsageEveryMs?: number;
  /** Fastify/pino logger options (default: METERLINE_TEST_LOG's level, or none). */
  logger?: EngineOptions["logger"];
}

/** A FixedClock that also moves with real time. */
class RunningClock extends FixedClock {
  private readonly started = Date.now();
  override now(): Date {
    return new Date(super.now().getTime() + (Date.now() - this.started));
  }
}

export async function startTestEngine(options: TestEngineOptions = {}): Promise<TestEngine> {
  const clock = new (options.realTime ? RunningClock : FixedClock)(options.now ?? DEFAULT_NOW);
  const dataDir = await freshDataDir();
  const engine = await createEngine({
    dataDir: dataDir.dir,
    clock,
    sandbox: options.sandbox,
    payments: options.payments,
    webhooks: options.webhooks,
    webhookUrlPolicy: options.webhookUrlPolicy,
    announceUsageEveryMs: options.announceUsageEveryMs ?? null,
    // METERLINE_TEST_LOG=error shows what a 500 hid.
    logger: options.logger ?? (process.env.METERLINE_TEST_LOG ? { level: process.env.METERLINE_TEST_LOG } : undefined),
    pollIntervalMs: 20,
    bootstrap: { organizationToken: ORGANIZATION_TOKEN, adminToken: ADMIN_TOKEN },
  });
  const organizationId = engine.bootstrapResult?.organizationId;
  if (organizationId === undefined) throw new Error("bootstrap created no organization");
  const { deps } = engine;
  const admin = new ApiClient(engine.app, ADMIN_TOKEN);

  async function caughtUp(timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const [head, watermark] = await Promise.all([deps.log.head(0), deps.log.watermark(MATERIALIZER_GROUP, 0)]);
      if (head === null || (watermark !== null && watermark.offset >= head.offset)) return;
      if (Date.now() > deadline) {
        throw new Error(`materializer stuck at ${watermark?.offset ?? "nothing"} of ${head.offset}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  return {
    engine,
    deps,
    clock,
    organizationId,
    api: new ApiClient(engine.app, ORGANIZATION_TOKEN),
    admin,
    caughtUp: () => caughtUp(),
    async appendSystemEvent(event) {
      const record: LogRecord = {
        id: deps.ids.uuid(),
        organizationId: event.organizationId ?? organizationId,
        name: event.name,
        source: "system",
        timestamp: event.timestamp ?? clock.now(),
        customerId: event.customerId,
        externalCustomerId: null,
        externalId: null,
        metadata: event.metadata,
      };
      await deps.log.append([record]);
    },
    async createOrganization(slug, scopes) {
      const created = await admin.post("/v1/organizations/", { name: `Organization ${slug}`, slug });
      if (created.status !== 201) throw new Error(`organization ${slug}: ${created.status} ${created.text}`);
      const id = created.body.id as string;
      const token = await admin.post("/v1/organization-access-tokens/", {
        organization_id: id,
        comment: "test",
        scopes: scopes ?? [
          "organizations:read",
          "customers:write",
          "events:write",
          "meters:write",
          "customer_meters:read",
        ],
      });
      if (token.status !== 201) throw new Error(`token for ${slug}: ${token.status} ${token.text}`);
      return { id, api: new ApiClient(engine.app, token.body.token as string) };
    },
    async stop() {
      await engine.stop();
      dataDir.remove();
    },
  };
}
