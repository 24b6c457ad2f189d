import { createServer, type Server } from "node:http";

export interface HealthServer {
  address: string;
  close(): Promise<void>;
}

/**
 * `/healthz` (the process is up) and `/readyz` (its dependencies answer, with `details()` in the
 * body) for services without an HTTP API of their own (materializer, billing).
 */
export async function startHealthServer(options: {
  port: number;
  host: string;
  ready: () => Promise<void>;
  details?: () => Promise<Record<string, unknown>>;
}): Promise<HealthServer> {
  const server: Server = createServer((request, response) => {
    const send = (status: number, body: unknown) => {
      response.writeHead(status, { "content-type": "application/json" });
      response.end(JSON.stringify(body));
    };
    if (request.url === "/healthz") return send(200, { status: "ok" });
    if (request.url === "/readyz") {
      options
        .ready()
        .then(async () => send(200, { status: "ok", ...(await options.details?.()) }))
        .catch((error: unknown) =>
          send(503, { status: "unavailable", reason: error instanceof Error ? error.message : String(error) }),
        );
      return;
    }
    send(404, { detail: "Not Found" });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const bound = server.address();
  const port = typeof bound === "object" && bound !== null ? bound.port : options.port;
  return {
    address: `http://${options.host}:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
