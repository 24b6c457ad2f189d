import { Polar } from "@polar-sh/sdk";
import { SDKValidationError } from "@polar-sh/sdk/models/errors/sdkvalidationerror.js";
import { expect } from "vitest";

const WRAPPED_GROUPS = new Set(["organizations", "customers", "events", "meters", "customerMeters"]);

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
