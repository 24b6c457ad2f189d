/** Whether a driver error (pg or PGlite) is a unique-constraint violation, and on which index. */
export function uniqueViolation(error: unknown): { constraint: string | undefined } | null {
  if (typeof error !== "object" || error === null) return null;
  const { code, constraint } = error as { code?: unknown; constraint?: unknown };
  if (code !== "23505") return null;
  return { constraint: typeof constraint === "string" ? constraint : undefined };
}
