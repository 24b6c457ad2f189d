import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { webhookHeaders } from "./sign-webhook.js";

describe("webhookHeaders", () => {
  // spec api-conventions §8.4 test vector.
  const secret = "polar-test-secret";
  const id = "0b1f2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
  const timestamp = 1750337367;
  const body = '{"type":"organization.updated","data":{"id":"1dbfc517-0bbf-4301-9ba8-555ca42b9737"}}';

  it("signs the spec's vector exactly", () => {
    expect(webhookHeaders(secret, id, timestamp, body)).toEqual({
      "webhook-id": id,
      "webhook-timestamp": "1750337367",
      "webhook-signature": "v1,oqVRkkn0b5Srmfz813Z0TNkQ0ubNFn9rl62VoI47Ie8=",
    });
  });

  it("verifies with the standardwebhooks library given the base64 secret, and not after a change", () => {
    const now = Math.floor(Date.now() / 1000);
    const headers = webhookHeaders(secret, id, now, body);
    const verifier = new Webhook(Buffer.from(secret, "utf8").toString("base64"));
    expect(verifier.verify(body, headers)).toEqual(JSON.parse(body));
    expect(() => verifier.verify(body.replace("organization", "customer"), headers)).toThrow();
    expect(() => verifier.verify(body, webhookHeaders("other-secret", id, now, body))).toThrow();
  });
});
