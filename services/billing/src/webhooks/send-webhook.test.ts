import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sendWebhook, type WebhookRequest } from "./send-webhook.js";

let server: Server;
let base: string;
const seen: Array<{ url: string; headers: IncomingMessage["headers"]; body: string }> = [];
const open = { allowPrivateNetworks: true, allowedHosts: [] };
const closed = { allowPrivateNetworks: false, allowedHosts: [] };

const routes: Record<string, (response: ServerResponse) => void> = {
  "/ok": (response) => response.writeHead(204).end(),
  "/accepted": (response) => response.writeHead(202).end("thanks"),
  "/fail": (response) => response.writeHead(500).end("boom"),
  "/redirect": (response) => response.writeHead(302, { location: "/ok" }).end(),
  "/big": (response) => response.writeHead(200).end("x".repeat(100_000)),
  "/hang": () => {},
};

beforeAll(async () => {
  server = createServer((request, response) => {
    let body = "";
    request.setEncoding("utf8").on("data", (chunk: string) => {
      body += chunk;
    });
    request.on("end", () => {
      seen.push({ url: request.url ?? "", headers: request.headers, body });
      routes[request.url ?? ""]?.(response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

function request(path: string, overrides: Partial<WebhookRequest> = {}): WebhookRequest {
  return {
    url: `${base}${path}`,
    headers: { "webhook-id": "id-1" },
    body: '{"type":"x","data":{}}',
    timeoutMs: 2000,
    policy: open,
    maxResponseChars: 100,
    ...overrides,
  };
}

describe("sendWebhook", () => {
  it("POSTs the body with the given headers and reports the status and response", async () => {
    const result = await sendWebhook(request("/accepted"));
    expect(result).toMatchObject({ httpCode: 202, response: "thanks", error: null });
    const last = seen.at(-1);
    expect(last?.body).toBe('{"type":"x","data":{}}');
    expect(last?.headers["webhook-id"]).toBe("id-1");
    expect(last?.headers["content-type"]).toBe("application/json");
  });

  it("reports non-2xx answers and does not follow redirects", async () => {
    expect(await sendWebhook(request("/fail"))).toMatchObject({ httpCode: 500, response: "boom" });
    const before = seen.length;
    expect(await sendWebhook(request("/redirect"))).toMatchObject({ httpCode: 302 });
    expect(seen.length).toBe(before + 1);
  });

  it("keeps only the start of a long response", async () => {
    const result = await sendWebhook(request("/big"));
    expect(result.httpCode).toBe(200);
    expect(result.response).toBe("x".repeat(100));
  });

  it("gives up after the timeout", async () => {
    const result = await sendWebhook(request("/hang", { timeoutMs: 200 }));
    expect(result).toMatchObject({ httpCode: null, error: "timed out after 200 ms" });
    expect(result.durationMs).toBeGreaterThanOrEqual(190);
  });

  it("reports a refused connection", async () => {
    const result = await sendWebhook(request("/ok", { url: "http://127.0.0.1:1/ok" }));
    expect(result.httpCode).toBeNull();
    expect(result.error).toMatch(/ECONNREFUSED/);
  });

  it("sends nothing to a private address the policy refuses, by literal or by name", async () => {
    const before = seen.length;
    const literal = await sendWebhook(request("/ok", { policy: closed }));
    const port = new URL(base).port;
    const named = await sendWebhook(request("/ok", { policy: closed, url: `http://localhost:${port}/ok` }));
    expect(literal.error).toMatch(/not allowed/);
    expect(named.error).toMatch(/not allowed/);
    expect(seen.length).toBe(before);
    const allowed = await sendWebhook(
      request("/ok", {
        policy: { allowPrivateNetworks: false, allowedHosts: ["localhost"] },
        url: `http://localhost:${port}/ok`,
      }),
    );
    expect(allowed.httpCode).toBe(204);
  });
});
