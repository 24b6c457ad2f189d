/**
 * The HTTP ceiling of the ingest benchmark: a bare Fastify server (the framework Meterline's
 * services use, in a process of its own as the ingest service is) that parses the same JSON body
 * and answers 200 with the same response shape, and does nothing else. Prints `listening <port>`.
 */
import Fastify from "fastify";

const app = Fastify({ logger: false, bodyLimit: 16 * 1024 * 1024 });
app.post("/v1/events/ingest", async (request) => {
  const events = (request.body as { events?: unknown[] }).events ?? [];
  return { inserted: events.length, duplicates: 0 };
});
const address = await app.listen({ port: 0, host: "127.0.0.1" });
process.stdout.write(`listening ${new URL(address).port}\n`);
process.on("SIGTERM", () => {
  app.close().then(() => process.exit(0));
});
