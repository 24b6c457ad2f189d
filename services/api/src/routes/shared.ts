import {
  checkUuid4,
  maxPage,
  type PageRequest,
  pageOffset,
  parseInput,
  type SortCriterion,
  type ValidationErrorItem,
} from "@meterline/api-schema";
import { type AuthSubject, DomainError } from "@meterline/core";
import type { z } from "zod";
import type { Parser } from "../http/route.js";
import { ValidationFailure } from "../http/validation-failure.js";

/** A JSON body validated by a wire schema; every problem is located under `body`. */
export function bodyOf<S extends z.ZodType>(schema: S): Parser<z.output<S>> {
  return (raw, issues) => {
    const result = parseInput(schema, raw, ["body"]);
    if (result.ok) return result.value;
    issues.push(...result.detail);
    return undefined as z.output<S>;
  };
}

/** Path parameters that must be UUID4s (`:id` by default). */
export function uuidParams<const Name extends string = "id">(...names: Name[]): Parser<Record<Name, string>> {
  const keys = names.length > 0 ? names : (["id"] as Name[]);
  return (raw, issues) => {
    const params = raw as Record<string, string>;
    const out = {} as Record<Name, string>;
    for (const key of keys) {
      const checked = checkUuid4(params[key]);
      if (checked.ok) out[key] = checked.value;
      else issues.push({ ...checked.error, loc: ["path", key] } as ValidationErrorItem);
    }
    return out;
  };
}

export function stringParam<const Name extends string>(name: Name): Parser<Record<Name, string>> {
  return (raw) => ({ [name]: (raw as Record<string, string>)[name] ?? "" }) as Record<Name, string>;
}

export function notFound(): DomainError {
  return new DomainError("NOT_FOUND", "not_found", "Not found");
}

/**
 * The organization a new object belongs to (spec api-conventions §3.5): an organization token
 * may not name one; a user token must name one of its organizations.
 */
export function organizationForCreate(subject: AuthSubject, requested: string | null | undefined): string {
  if (subject.type === "organization") {
    if (requested !== null && requested !== undefined) {
      throw ValidationFailure.business({
        type: "organization_token",
        loc: ["body", "organization_id"],
        msg: "Setting organization_id is disallowed when using an organization token.",
        input: requested,
      });
    }
    return subject.organizationId;
  }
  if (requested === null || requested === undefined) {
    throw ValidationFailure.business({
      type: "missing",
      loc: ["body", "organization_id"],
      msg: "organization_id is required.",
      input: null,
    });
  }
  if (!subject.organizationIds.includes(requested)) {
    throw ValidationFailure.business({
      type: "value_error",
      loc: ["body", "organization_id"],
      msg: "Organization not found.",
      input: requested,
    });
  }
  return requested;
}

/** The organizations a read may see: the caller's, narrowed by an `organization_id` filter. */
export function readableOrganizations(subject: AuthSubject, requested: readonly string[]): string[] {
  if (requested.length === 0) return subject.organizationIds;
  return subject.organizationIds.filter((id) => requested.includes(id));
}

export function toSortSpecs<Property extends string>(criteria: ReadonlyArray<SortCriterion<Property>>) {
  return criteria.map((criterion) => ({
    property: criterion.property,
    direction: criterion.descending ? ("desc" as const) : ("asc" as const),
  }));
}

export function pageWindow(page: PageRequest): { limit: number; offset: number } {
  return { limit: page.limit, offset: pageOffset(page) };
}

export function listResponse<T>(items: T[], total: number, page: PageRequest) {
  return { items, pagination: { total_count: total, max_page: maxPage(total, page.limit) } };
}

/** `:id` must be a UUID4. (Bound once here: inline generic calls defeat route type inference.) */
export const idParam = uuidParams();
