import { Writable } from "node:stream";
import { waitFor } from "@meterline/testing";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startTestEngine, type TestEngine } from "../support/test-engine.js";
import { WebhookReceiver } from "../support/webhook-receiver.js";

/**
 * An endpoint's secret is shown once, in the create answer, and appears nowhere else: not in any
 * other answer, not in the logs at the most verbose level (requests, deliveries, failures).
 */
const SECRET = "whsec-never-logged-7f3a9c";
const lines: string[] = [];
let t: TestEngine;
let receiver: WebhookReceiver;

beforeAll(async () => {
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  t = await startTestEngine({
    realTime: true,
    logger: { level: "trace", stream },
    webhooks: { retryBaseMs: 5, dispatchEveryMs: 50 },
  });
  receiver = await WebhookReceiver.start(SECRET);
});

afterAll(async () => {
  await receiver?.close();
  await t?.stop();
});

it("shows the secret on create only, and never logs it", async () => {
  receiver.reply = (_request, attempt) => (attempt === 1 ? 500 : 204);
  const created = await t.api.post("/v1/webhooks/endpoints", {
    url: receiver.url,
    format: "raw",
    secret: SECRET,
    events: ["customer.created"],
  });
  expect(created.status, created.text).toBe(201);
  expect(created.body.secret).toBe(SECRET);
  await t.api.createCustomer({ email: "secret@example.com" });
  await waitFor("a failed attempt and its retry", () => receiver.delivered().length === 1);
  const answers = [
    await t.api.get(`/v1/webhooks/endpoints/${created.body.id}`),
    await t.api.get("/v1/webhooks/endpoints"),
    await t.api.patch(`/v1/webhooks/endpoints/${created.body.id}`, {
      events: ["customer.created", "customer.updated"],
    }),
    await t.api.get(`/v1/webhooks/deliveries?endpoint_id=${created.body.id}`),
  ];
  for (const answer of answers) {
    expect(answer.status, answer.text).toBe(200);
    expect(answer.text).not.toContain(SECRET);
  }
  expect(lines.length).toBeGreaterThan(0);
  expect(lines.join("")).toContain("/v1/webhooks/endpoints");
  expect(lines.filter((line) => line.includes(SECRET))).toEqual([]);
});
