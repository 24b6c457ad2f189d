import { isIP } from "node:net";

/**
 * Which webhook URLs may be used. A webhook makes Meterline send requests where a merchant says,
 * so in production private and loopback addresses are refused (the URL's host is checked when the
 * endpoint is saved, and every address it resolves to is checked again when a request is sent,
 * which also stops a DNS name that later points inside).
 */
export interface WebhookUrlPolicy {
  /** Private, loopback and link-local addresses are allowed (development and tests). */
  allowPrivateNetworks: boolean;
  /** Hosts allowed even when private networks are not (exact host names or IP literals). */
  allowedHosts: readonly string[];
}

export const MAX_WEBHOOK_URL_LENGTH = 2083;

/**
 * From the environment: `NODE_ENV=production` refuses private addresses unless
 * `METERLINE_WEBHOOK_ALLOW_PRIVATE=1`; `METERLINE_WEBHOOK_ALLOWED_HOSTS` (comma-separated) allows
 * single hosts, e.g. `127.0.0.1` for a receiver on the same machine.
 */
export function webhookUrlPolicyFromEnv(env: NodeJS.ProcessEnv): WebhookUrlPolicy {
  const production = env.NODE_ENV === "production";
  const allowPrivate = env.METERLINE_WEBHOOK_ALLOW_PRIVATE;
  return {
    allowPrivateNetworks: allowPrivate === undefined || allowPrivate === "" ? !production : allowPrivate === "1",
    allowedHosts: (env.METERLINE_WEBHOOK_ALLOWED_HOSTS ?? "")
      .split(",")
      .map((host) => host.trim().toLowerCase())
      .filter((host) => host !== ""),
  };
}

function ipv4Private(address: string): boolean {
  const [a = 0, b = 0] = address.split(".").map(Number);
  return (
    a === 0 ||
    a === 10 ||
    a === 127 ||
    (a === 100 && b >= 64 && b <= 127) ||
    (a === 169 && b === 254) ||
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168) ||
    (a === 192 && b === 0) ||
    (a === 198 && (b === 18 || b === 19)) ||
    a >= 224
  );
}

/** Loopback, private, link-local, shared, multicast, reserved or unspecified. */
export function isPrivateAddress(address: string): boolean {
  const version = isIP(address);
  if (version === 4) return ipv4Private(address);
  if (version !== 6) return false;
  const lower = address.toLowerCase();
  const mapped = /^(?:0{0,4}:){0,5}:?ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
  if (mapped?.[1] !== undefined) return ipv4Private(mapped[1]);
  if (lower === "::" || lower === "::1") return true;
  const first = Number.parseInt(lower.split(":")[0] || "0", 16);
  return (
    (first & 0xfe00) === 0xfc00 || // unique local fc00::/7
    (first & 0xffc0) === 0xfe80 || // link-local fe80::/10
    (first & 0xff00) === 0xff00 // multicast
  );
}

/** A host name as the URL parser gives it, without IPv6 brackets and in lower case. */
export function bareHost(hostname: string): string {
  return hostname.replace(/^\[(.*)\]$/, "$1").toLowerCase();
}

/** Whether requests may go to `address`, reached through `host`. */
export function addressAllowed(policy: WebhookUrlPolicy, host: string, address: string): boolean {
  if (policy.allowPrivateNetworks) return true;
  const allowed = policy.allowedHosts;
  if (allowed.includes(bareHost(host)) || allowed.includes(address.toLowerCase())) return true;
  return !isPrivateAddress(address);
}

/** Why `url` cannot be a webhook URL, or null when it can (names resolve later, at send time). */
export function webhookUrlProblem(url: string, policy: WebhookUrlPolicy): string | null {
  if (url.length > MAX_WEBHOOK_URL_LENGTH) return `URL should have at most ${MAX_WEBHOOK_URL_LENGTH} characters`;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return "Input should be a valid URL";
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:") return "URL scheme should be 'http' or 'https'";
  if (parsed.hostname === "") return "URL should have a host";
  if (parsed.username !== "" || parsed.password !== "") return "URL should not contain credentials";
  const host = bareHost(parsed.hostname);
  const literal = isIP(host) !== 0;
  const local = host === "localhost" || host.endsWith(".localhost");
  if ((literal || local) && !addressAllowed(policy, host, literal ? host : "127.0.0.1")) {
    return "URL should not point to a private or loopback address";
  }
  return null;
}
