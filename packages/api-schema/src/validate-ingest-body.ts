import { type EventCreate, eventCreateCustomerInput, eventCreateExternalCustomerInput } from "./event-create.js";
import { isPlainObject } from "./is-plain-object.js";
import { parseInput } from "./parse-input.js";
import { type PyError, pyError } from "./py-error.js";
import type { Loc, ValidationErrorItem } from "./validation-error-item.js";

export type IngestValidation = { ok: true; events: EventCreate[] } | { ok: false; detail: ValidationErrorItem[] };

function located(loc: Loc, error: PyError): ValidationErrorItem {
  const item: ValidationErrorItem = { type: error.type, loc, msg: error.msg, input: error.input ?? null };
  if (error.ctx !== undefined) item.ctx = error.ctx;
  return item;
}

/**
 * Validates `POST /v1/events/ingest` as Polar's undiscriminated union `EventCreateCustomer |
 * EventCreateExternalCustomer`: an event is a customer event when that member validates (a valid
 * `customer_id` wins, `external_customer_id` is then dropped), else an external-customer event;
 * when neither validates, both members' errors are reported, member by member. The batch is
 * all-or-nothing, so every event is checked and every error returned.
 */
export function validateIngestBody(body: unknown, now: Date): IngestValidation {
  if (body === undefined || body === null) return { ok: false, detail: [located(["body"], pyError.missing(null))] };
  if (!isPlainObject(body)) return { ok: false, detail: [located(["body"], pyError.modelAttributesType(body))] };
  const events = body.events;
  if (events === undefined) return { ok: false, detail: [located(["body", "events"], pyError.missing(body))] };
  if (!Array.isArray(events)) return { ok: false, detail: [located(["body", "events"], pyError.listType(events))] };

  const customerEvent = eventCreateCustomerInput(now);
  const externalCustomerEvent = eventCreateExternalCustomerInput(now);
  const valid: EventCreate[] = [];
  const detail: ValidationErrorItem[] = [];
  events.forEach((event: unknown, index) => {
    const asCustomer = () => parseInput(customerEvent, event, ["body", "events", index, "EventCreateCustomer"]);
    const asExternal = () =>
      parseInput(externalCustomerEvent, event, ["body", "events", index, "EventCreateExternalCustomer"]);
    // Without `customer_id` the customer member cannot validate, so the likely member is tried first;
    // a failed parse is the expensive path and most events name an external customer.
    const customerFirst = isPlainObject(event) && event.customer_id !== undefined;
    const first = customerFirst ? asCustomer() : asExternal();
    if (first.ok) {
      valid.push(first.value);
      return;
    }
    const second = customerFirst ? asExternal() : asCustomer();
    if (second.ok) {
      valid.push(second.value);
      return;
    }
    const [customerErrors, externalErrors] = customerFirst ? [first, second] : [second, first];
    detail.push(...customerErrors.detail, ...externalErrors.detail);
  });
  return detail.length > 0 ? { ok: false, detail } : { ok: true, events: valid };
}
