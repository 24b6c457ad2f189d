import { ValidationFailure, type ValidationIssue } from "@meterline/api";
import { type EventCreate, validateIngestBody } from "@meterline/api-schema";
import type { AuthSubject, Clock, EventLog, IdGenerator, LogRecord } from "@meterline/core";

export interface IngestDeps {
  log: EventLog;
  clock: Clock;
  ids: IdGenerator;
  /** Live customers among `ids` in `scope`, with their organization. */
  existingCustomers: (scope: readonly string[], ids: readonly string[]) => Promise<Map<string, string>>;
}

export interface IngestResult {
  inserted: number;
  duplicates: number;
}

/**
 * Validate → stamp → append, nothing else (ARCHITECTURE §1). All or nothing: one bad event
 * rejects the batch with every problem listed, and nothing reaches the log. The answer is sent
 * only once the append is durable.
 */
export async function ingestEvents(deps: IngestDeps, subject: AuthSubject, body: unknown): Promise<IngestResult> {
  const now = deps.clock.now();
  const validation = validateIngestBody(body, now);
  if (!validation.ok) throw new ValidationFailure(validation.detail);
  const events = validation.events;

  const customerIds = [...new Set(events.flatMap((event) => (event.customerId === null ? [] : [event.customerId])))];
  const customers = await deps.existingCustomers(subject.organizationIds, customerIds);
  // Event by event, as Polar collects them: its errors come out in batch order, and an event whose
  // organization is wrong is not checked further.
  const issues: ValidationIssue[] = [];
  const organizations = events.map((event, index) => {
    const organization = eventOrganization(subject, event, index, issues);
    // The customer must live in the event's own organization, not merely in one the caller sees.
    if (organization !== undefined && event.customerId !== null && customers.get(event.customerId) !== organization) {
      issues.push({
        type: "customer_id",
        loc: ["body", "events", index, "customer_id"],
        msg: "Customer not found.",
        input: event.customerId,
      });
    }
    return organization;
  });
  if (issues.length > 0) throw new ValidationFailure(issues, "PolarRequestValidationError");

  const records: LogRecord[] = events.map((event, index) => ({
    id: deps.ids.eventId(now),
    organizationId: organizations[index] as string,
    name: event.name,
    source: "user",
    timestamp: event.timestamp ?? now,
    customerId: event.customerId,
    externalCustomerId: event.customerId === null ? event.externalCustomerId : null,
    externalId: event.externalId,
    metadata: event.metadata,
  }));
  const result = await deps.log.append(records);
  return { inserted: result.appended.length, duplicates: result.duplicates.length };
}

function eventOrganization(
  subject: AuthSubject,
  event: EventCreate,
  index: number,
  issues: ValidationIssue[],
): string | undefined {
  const loc = ["body", "events", index, "organization_id"];
  if (subject.type === "organization") {
    if (event.organizationId !== null) {
      issues.push({
        type: "organization_token",
        loc,
        msg: "Setting organization_id is disallowed when using an organization token.",
        input: event.organizationId,
      });
      return undefined;
    }
    return subject.organizationId;
  }
  if (event.organizationId === null) {
    issues.push({ type: "missing", loc, msg: "organization_id is required.", input: null });
    return undefined;
  }
  if (!subject.organizationIds.includes(event.organizationId)) {
    issues.push({ type: "organization_id", loc, msg: "Organization not found.", input: event.organizationId });
    return undefined;
  }
  return event.organizationId;
}
