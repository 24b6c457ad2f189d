/**
 * Which of `keys` a parsed PATCH body carried, explicit nulls included. zod leaves absent optional
 * keys out of its output, so presence survives parsing; rules like the meter lock depend on it.
 */
export function presentKeys<const Key extends string>(value: object, keys: readonly Key[]): Key[] {
  return keys.filter((key) => Object.hasOwn(value, key));
}
