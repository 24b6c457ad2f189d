import { createHmac } from "node:crypto";

/**
 * Standard Webhooks headers for one attempt (spec api-conventions §8.4): the key is the endpoint
 * secret's UTF-8 bytes as they are (Polar base64-encodes the secret only to hand it to the
 * Standard Webhooks library, which decodes it again), the signed content is
 * `<id>.<timestamp>.<body>`, and the signature is base64 HMAC-SHA256.
 */
export function webhookHeaders(secret: string, id: string, timestampSeconds: number, body: string) {
  const signature = createHmac("sha256", Buffer.from(secret, "utf8"))
    .update(`${id}.${timestampSeconds}.${body}`)
    .digest("base64");
  return {
    "webhook-id": id,
    "webhook-timestamp": String(timestampSeconds),
    "webhook-signature": `v1,${signature}`,
  };
}
