import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { validateEvent } from "@polar-sh/sdk/webhooks.js";
import { Webhook } from "standardwebhooks";

/** One request as the receiver saw it, checked by two independent verifiers. */
export interface ReceivedWebhook {
  id: string;
  timestamp: number;
  type: string;
  body: string;
  headers: IncomingHttpHeaders;
  /** `standardwebhooks` accepted the signature (with the base64 of the secret, as Polar's SDK does). */
  verified: boolean;
  /** The SDK's `validateEvent` result (typed, camelCase), or the error it threw. */
  sdkEvent: unknown;
  sdkError: string | null;
  /** What the receiver answered (`null`: it never answered). */
  status: number | null;
}

/** How to answer one request: a status, or `hang` (never answer, as a stuck receiver does). */
export type Reply = number | "hang";

/**
 * A webhook receiver on 127.0.0.1 for tests: records every request, verifies each signature with
 * the `standardwebhooks` package and parses each body with the official SDK's `validateEvent`.
 * `reply` decides the answer (default 202, as Polar's docs advise).
 */
export class WebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  reply: (request: ReceivedWebhook, attemptOfId: number) => Reply = () => 202;
  private readonly hanging = new Set<ServerResponse>();

  private constructor(
    private readonly server: Server,
    readonly url: string,
    private readonly secret: string,
  ) {}

  static async start(secret: string, path = "/hooks"): Promise<WebhookReceiver> {
    let receiver: WebhookReceiver | undefined;
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on("data", (chunk: Buffer) => chunks.push(chunk));
      request.on("end", () => receiver?.handle(request.headers, Buffer.concat(chunks).toString("utf8"), response));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    receiver = new WebhookReceiver(server, `http://127.0.0.1:${port}${path}`, secret);
    return receiver;
  }

  private handle(headers: IncomingHttpHeaders, body: string, response: ServerResponse): void {
    const flat = Object.fromEntries(
      Object.entries(headers).map(([name, value]) => [name, Array.isArray(value) ? value.join(",") : (value ?? "")]),
    );
    let verified = false;
    try {
      new Webhook(Buffer.from(this.secret, "utf8").toString("base64")).verify(body, flat);
      verified = true;
    } catch {}
    let sdkEvent: unknown = null;
    let sdkError: string | null = null;
    try {
      sdkEvent = validateEvent(body, flat, this.secret);
    } catch (error) {
      sdkError = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    }
    let type = "";
    try {
      type = (JSON.parse(body) as { type?: string }).type ?? "";
    } catch {}
    const record: ReceivedWebhook = {
      id: flat["webhook-id"] ?? "",
      timestamp: Number(flat["webhook-timestamp"]),
      type,
      body,
      headers,
      verified,
      sdkEvent,
      sdkError,
      status: null,
    };
    this.received.push(record);
    const attemptOfId = this.received.filter((entry) => entry.id === record.id).length;
    const reply = this.reply(record, attemptOfId);
    if (reply === "hang") {
      this.hanging.add(response);
      return;
    }
    record.status = reply;
    response.writeHead(reply, { "content-type": "text/plain" }).end(`answer ${reply}`);
  }

  /** The requests answered 2xx, in arrival order. */
  delivered(): ReceivedWebhook[] {
    return this.received.filter((entry) => entry.status !== null && entry.status >= 200 && entry.status < 300);
  }

  async close(): Promise<void> {
    for (const response of this.hanging) response.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
