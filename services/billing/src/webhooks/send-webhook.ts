import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import type { LookupFunction } from "node:net";
import { isIP } from "node:net";
import { performance } from "node:perf_hooks";
import { addressAllowed, bareHost, type WebhookUrlPolicy } from "@meterline/api";

export interface WebhookRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
  /** The whole attempt: connect, send and the response's head (Polar: 20 s). */
  timeoutMs: number;
  policy: WebhookUrlPolicy;
  /** How much of the response body is kept in the delivery record. */
  maxResponseChars: number;
}

export interface WebhookResponse {
  /** null when no response came. */
  httpCode: number | null;
  response: string | null;
  error: string | null;
  durationMs: number;
}

const BLOCKED = "address not allowed for webhooks (private or loopback)";

/** Resolves like the default lookup, then refuses every address the policy does not allow. */
function guardedLookup(policy: WebhookUrlPolicy): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
      if (error !== null) return callback(error, "", 0);
      const allowed = addresses.filter((entry) => addressAllowed(policy, hostname, entry.address));
      if (allowed.length === 0) return callback(Object.assign(new Error(BLOCKED), { code: "EBLOCKED" }), "", 0);
      if (options.all === true) return (callback as (e: null, a: LookupAddress[]) => void)(null, allowed);
      const first = allowed[0] as LookupAddress;
      callback(null, first.address, first.family);
    });
  };
}

function readExcerpt(response: IncomingMessage, maxChars: number): Promise<string> {
  return new Promise((resolve) => {
    let text = "";
    response.setEncoding("utf8");
    response.on("data", (chunk: string) => {
      text += chunk;
      // The receiver's body is only evidence for the delivery log: stop reading once there is enough.
      if (text.length >= maxChars) response.destroy();
    });
    response.on("close", () => resolve(text.slice(0, maxChars)));
    response.on("error", () => resolve(text.slice(0, maxChars)));
  });
}

/**
 * One POST of a webhook: any 2xx is a success; redirects are not followed; the attempt is
 * abandoned after `timeoutMs`. Never throws: what went wrong is in the result.
 */
export function sendWebhook(request: WebhookRequest): Promise<WebhookResponse> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const fail = (error: string): WebhookResponse => ({ httpCode: null, response: null, error, durationMs: elapsed() });
  let url: URL;
  try {
    url = new URL(request.url);
  } catch {
    return Promise.resolve(fail("invalid URL"));
  }
  const host = bareHost(url.hostname);
  // Literal addresses skip DNS (and so the guarded lookup): check them here.
  if (isIP(host) !== 0 && !addressAllowed(request.policy, host, host)) return Promise.resolve(fail(BLOCKED));
  const send = url.protocol === "https:" ? httpsRequest : url.protocol === "http:" ? httpRequest : undefined;
  if (send === undefined) return Promise.resolve(fail("URL scheme should be 'http' or 'https'"));

  return new Promise((resolve) => {
    let settled = false;
    const settle = (result: WebhookResponse) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    const outgoing = send(
      url,
      {
        method: "POST",
        headers: {
          ...request.headers,
          "content-type": "application/json",
          "content-length": String(Buffer.byteLength(request.body)),
          "user-agent": "meterline webhooks",
        },
        lookup: guardedLookup(request.policy),
      },
      (response) => {
        const httpCode = response.statusCode ?? null;
        void readExcerpt(response, request.maxResponseChars).then((excerpt) =>
          settle({ httpCode, response: excerpt, error: null, durationMs: elapsed() }),
        );
      },
    );
    const timer = setTimeout(() => {
      outgoing.destroy();
      settle(fail(`timed out after ${request.timeoutMs} ms`));
    }, request.timeoutMs);
    outgoing.on("error", (error: NodeJS.ErrnoException) =>
      settle(
        fail(error.code === undefined || error.code === "EBLOCKED" ? error.message : `${error.code}: ${error.message}`),
      ),
    );
    outgoing.end(request.body);
  });
}
