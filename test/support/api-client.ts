import type { FastifyInstance, InjectOptions } from "fastify";

// biome-ignore lint/suspicious/noExplicitAny: response bodies are JSON the tests assert on field by field.
export type Json = any;

export interface ApiResponse {
  status: number;
  headers: Record<string, string | string[] | number | undefined>;
  /** Parsed JSON, or undefined when the body is empty or not JSON. */
  body: Json;
  text: string;
}

type QueryValue = string | number | boolean | ReadonlyArray<string | number>;

/**
 * `?a=1&a=2` for arrays (form style, explode), as the SDK sends them; `metadata[key]` keys are
 * passed through as given.
 */
export function queryString(params: Record<string, QueryValue | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) search.append(key, String(item));
  }
  const text = search.toString();
  return text === "" ? "" : `?${text}`;
}

/** `app.inject()` with a bearer token and JSON in and out. */
export class ApiClient {
  constructor(
    readonly app: FastifyInstance,
    readonly token: string | null,
  ) {}

  withToken(token: string | null): ApiClient {
    return new ApiClient(this.app, token);
  }

  async request(
    method: NonNullable<InjectOptions["method"]>,
    url: string,
    options: { body?: unknown; headers?: Record<string, string>; rawBody?: string } = {},
  ): Promise<ApiResponse> {
    const headers: Record<string, string> = { accept: "application/json", ...options.headers };
    if (this.token !== null && headers.authorization === undefined) headers.authorization = `Bearer ${this.token}`;
    let payload: string | undefined = options.rawBody;
    if (options.body !== undefined) payload = JSON.stringify(options.body);
    if (payload !== undefined && headers["content-type"] === undefined) headers["content-type"] = "application/json";
    const response = await this.app.inject({ method, url, headers, ...(payload !== undefined && { payload }) });
    let body: Json;
    try {
      body = response.body === "" ? undefined : JSON.parse(response.body);
    } catch {
      body = undefined;
    }
    return { status: response.statusCode, headers: response.headers, body, text: response.body };
  }

  get(url: string, headers?: Record<string, string>): Promise<ApiResponse> {
    return this.request("GET", url, { headers });
  }

  post(url: string, body?: unknown): Promise<ApiResponse> {
    return this.request("POST", url, { body });
  }

  patch(url: string, body?: unknown): Promise<ApiResponse> {
    return this.request("PATCH", url, { body });
  }

  delete(url: string): Promise<ApiResponse> {
    return this.request("DELETE", url);
  }

  /** A call setup depends on: anything but `status` throws with the response text. */
  async expectStatus(status: number, method: "GET" | "POST" | "PATCH", url: string, body?: unknown): Promise<Json> {
    const response = await this.request(method, url, { body });
    if (response.status !== status)
      throw new Error(`${method} ${url}: expected ${status}, got ${response.status} ${response.text}`);
    return response.body;
  }

  createCustomer(body: Record<string, unknown>): Promise<Json> {
    return this.expectStatus(201, "POST", "/v1/customers/", body);
  }

  createMeter(body: Record<string, unknown>): Promise<Json> {
    return this.expectStatus(201, "POST", "/v1/meters/", body);
  }

  /** Ingests a batch that must be accepted whole. */
  ingest(events: ReadonlyArray<Record<string, unknown>>): Promise<{ inserted: number; duplicates: number }> {
    return this.expectStatus(200, "POST", "/v1/events/ingest", { events });
  }
}
