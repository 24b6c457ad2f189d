import { Polar } from "@polar-sh/sdk";
import { SDKValidationError } from "@polar-sh/sdk/models/errors/sdkvalidationerror.js";
import { expect } from "vitest";

const WRAPPED_GROUPS = new Set([
  "organizations",
  "customers",
  "events",
  "meters",
  "customerMeters",
  "products",
  "benefits",
  "discounts",
  "subscriptions",
  "orders",
]);

/**
 * The SDK's message for a rejected response names the zod issues but not the body; a failing
 * compat test must show what the server sent, so the raw value is appended to the message.
 * (Input validation failures carry the request instead; `rawMessage` says which.)
 */
function annotate(error: unknown, operation: string): unknown {
  if (error instanceof SDKValidationError && !error.message.includes("--- raw value ---")) {
    const raw = typeof error.rawValue === "string" ? error.rawValue : JSON.stringify(error.rawValue, null, 2);
    error.message = `${operation}: ${describeIssues(error)}\n--- raw value ---\n${raw}`;
  }
  return error;
}

/**
 * `pretty()` was written for zod 3 and throws on zod 4 union issues (`unionErrors` is gone); the
 * root installs zod 4, which the SDK then runs on. Fall back to the raw issue list.
 */
function describeIssues(error: SDKValidationError): string {
  try {
    return error.pretty();
  } catch {
    const issues = (error.cause as { issues?: unknown } | undefined)?.issues;
    return `${error.rawMessage}\n${JSON.stringify(issues ?? String(error.cause), null, 2)}`;
  }
}

function annotatePages<T extends object>(value: T, operation: string): T {
  const iterate = (value as Partial<AsyncIterable<unknown>>)[Symbol.asyncIterator];
  if (typeof iterate !== "function") return value;
  return {
    ...value,
    [Symbol.asyncIterator]: async function* pages() {
      try {
        yield* { [Symbol.asyncIterator]: () => iterate.call(value) };
      } catch (error) {
        throw annotate(error, operation);
      }
    },
  };
}

function wrapGroup(group: object, name: string): object {
  return new Proxy(group, {
    get(target, property, receiver) {
      const member = Reflect.get(target, property, receiver);
      if (typeof member !== "function") return member;
      const operation = `${name}.${String(property)}`;
      return async (...args: unknown[]) => {
        try {
          const result = await member.apply(target, args);
          return result !== null && typeof result === "object" ? annotatePages(result, operation) : result;
        } catch (error) {
          throw annotate(error, operation);
        }
      };
    },
  });
}

/** The official client, unchanged, pointed at a compat server (retries off: the SDK default). */
export function polarClient(serverURL: string, accessToken: string): Polar {
  const polar = new Polar({ accessToken, serverURL });
  return new Proxy(polar, {
    get(target, property, receiver) {
      const member = Reflect.get(target, property, receiver);
      return typeof property === "string" && WRAPPED_GROUPS.has(property)
        ? wrapGroup(member as object, property)
        : member;
    },
  });
}

/** Awaits a promise that must reject with `errorClass`, and returns the error for further checks. */
export async function rejection<E>(
  promise: Promise<unknown>,
  errorClass: abstract new (...args: never[]) => E,
): Promise<E> {
  try {
    await promise;
  } catch (error) {
    if (!(error instanceof errorClass)) {
      throw new Error(`expected ${errorClass.name}, got ${(error as Error)?.name}: ${(error as Error)?.message}`, {
        cause: error,
      });
    }
    return error;
  }
  expect.fail(`expected ${errorClass.name}, but the call succeeded`);
}

/** Every page of an SDK list, flattened, in the order the server sent them. */
export async function collectPages<T>(
  pages: AsyncIterable<{ result: { items: T[] } }>,
): Promise<{ pageCount: number; items: T[] }> {
  const items: T[] = [];
  let pageCount = 0;
  for await (const page of pages) {
    pageCount += 1;
    items.push(...page.result.items);
  }
  return { pageCount, items };
}

/**
 * An SDK inbound schema (`Subscription$inboundSchema`…). It is zod 3 code that the root's zod 4
 * types see as returning `unknown`, so callers name the model type themselves.
 */
interface InboundSchema {
  parse(value: unknown): unknown;
}

export interface RawResponse {
  status: number;
  /** The parsed JSON body (`null` for an empty one). */
  body: unknown;
}

/**
 * A call SDK 0.32.16 has no method for (spec billing §12.3: creating a subscription, the discount
 * change, the order update and invoice generation), made with the same bearer token over fetch.
 */
export async function requestWithoutSdk(
  serverURL: string,
  accessToken: string,
  method: "GET" | "POST" | "PATCH" | "DELETE",
  path: string,
  body?: unknown,
): Promise<RawResponse> {
  const response = await fetch(`${serverURL}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${accessToken}`,
      accept: "application/json",
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text === "" ? null : JSON.parse(text) };
}

/**
 * Reads a body the SDK fetched for no method of its own exactly as its methods read theirs: through
 * the SDK's inbound schema, failing with an `SDKValidationError` that carries the raw body.
 */
export function parseAsSdk<T>(schema: InboundSchema, response: RawResponse, operation: string): T {
  try {
    return schema.parse(response.body) as T;
  } catch (error) {
    throw annotate(new SDKValidationError("Response validation failed", error, response.body), operation);
  }
}
