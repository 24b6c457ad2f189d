/** A JSON object (not an array, not null): what pydantic accepts where a model or dict is expected. */
export function isPlainObject(input: unknown): input is Record<string, unknown> {
  return typeof input === "object" && input !== null && !Array.isArray(input);
}
