import { pyError } from "./py-error.js";
import { pushQueryError, type QueryInput, queryValues } from "./query-values.js";
import type { ValidationErrorItem } from "./validation-error-item.js";

export interface SortCriterion<Property extends string = string> {
  property: Property;
  descending: boolean;
}

function toCriterion(text: string): { property: string; descending: boolean } {
  const descending = text.startsWith("-");
  return { property: descending ? text.slice(1) : text, descending };
}

/**
 * The repeatable `sorting` parameter (`?sorting=-created_at&sorting=name`), applied in order; a
 * leading `-` sorts descending. `defaults` apply only when the parameter is absent.
 */
export function parseSorting<const Property extends string>(
  query: QueryInput,
  allowed: readonly Property[],
  defaults: readonly string[],
  errors: ValidationErrorItem[],
): SortCriterion<Property>[] {
  const given = queryValues(query, "sorting");
  const criteria: SortCriterion<Property>[] = [];
  (given.length > 0 ? given : defaults).forEach((text, index) => {
    const { property, descending } = toCriterion(text);
    if ((allowed as readonly string[]).includes(property)) {
      criteria.push({ property: property as Property, descending });
      return;
    }
    pushQueryError(errors, ["sorting", index], pyError.custom("enum", "Invalid sorting criterion.", text));
  });
  return criteria;
}
