/**
 * Polar's datetime wire form: UTC with `Z`, microseconds only when non-zero
 * (`2025-06-01T00:00:00Z`, `2025-06-01T00:00:00.600000Z`). A JS Date holds milliseconds, so the
 * last three digits are always zero.
 */
export function formatDateTime(date: Date): string {
  const iso = date.toISOString();
  const milliseconds = date.getUTCMilliseconds();
  const seconds = iso.slice(0, iso.indexOf("."));
  if (milliseconds === 0) return `${seconds}Z`;
  return `${seconds}.${String(milliseconds).padStart(3, "0")}000Z`;
}
