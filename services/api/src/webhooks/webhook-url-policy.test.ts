import { describe, expect, it } from "vitest";
import { addressAllowed, isPrivateAddress, webhookUrlPolicyFromEnv, webhookUrlProblem } from "./webhook-url-policy.js";

const closed = { allowPrivateNetworks: false, allowedHosts: [] };
const open = { allowPrivateNetworks: true, allowedHosts: [] };

describe("isPrivateAddress", () => {
  it.each([
    "127.0.0.1",
    "127.255.0.9",
    "10.1.2.3",
    "172.16.0.1",
    "172.31.255.255",
    "192.168.1.1",
    "169.254.169.254",
    "100.64.0.1",
    "0.0.0.0",
    "224.0.0.1",
    "255.255.255.255",
    "::1",
    "::",
    "fc00::1",
    "fd12:3456::1",
    "fe80::1",
    "ff02::1",
    "::ffff:127.0.0.1",
    "::ffff:10.0.0.1",
  ])("%s is private", (address) => {
    expect(isPrivateAddress(address)).toBe(true);
  });

  it.each([
    "8.8.8.8",
    "172.15.255.255",
    "172.32.0.1",
    "100.63.0.1",
    "192.169.0.1",
    "2606:4700::1111",
    "::ffff:8.8.8.8",
  ])("%s is public", (address) => {
    expect(isPrivateAddress(address)).toBe(false);
  });
});

describe("webhookUrlProblem", () => {
  it("accepts http and https URLs with a host", () => {
    expect(webhookUrlProblem("https://example.com/hooks", closed)).toBeNull();
    expect(webhookUrlProblem("http://example.com:8080/hooks?x=1", closed)).toBeNull();
  });

  it("refuses other schemes, credentials, junk and over-long URLs", () => {
    expect(webhookUrlProblem("ftp://example.com/", open)).toMatch(/scheme/);
    expect(webhookUrlProblem("javascript:alert(1)", open)).toMatch(/scheme/);
    expect(webhookUrlProblem("not a url", open)).toMatch(/valid URL/);
    expect(webhookUrlProblem("https://user:pass@example.com/", open)).toMatch(/credentials/);
    expect(webhookUrlProblem(`https://example.com/${"a".repeat(2100)}`, open)).toMatch(/2083/);
  });

  it("refuses private and loopback hosts unless allowed", () => {
    for (const url of [
      "http://127.0.0.1:9/",
      "http://localhost/",
      "http://[::1]/",
      "http://10.0.0.5/",
      "http://a.localhost/",
    ]) {
      expect(webhookUrlProblem(url, closed), url).toMatch(/private or loopback/);
      expect(webhookUrlProblem(url, open), url).toBeNull();
    }
    const only127 = { allowPrivateNetworks: false, allowedHosts: ["127.0.0.1"] };
    expect(webhookUrlProblem("http://127.0.0.1:9/", only127)).toBeNull();
    expect(webhookUrlProblem("http://10.0.0.5/", only127)).toMatch(/private/);
  });
});

describe("addressAllowed", () => {
  it("checks the resolved address, and the host name against the allowed hosts", () => {
    expect(addressAllowed(closed, "evil.example", "127.0.0.1")).toBe(false);
    expect(addressAllowed(closed, "good.example", "93.184.216.34")).toBe(true);
    expect(
      addressAllowed({ allowPrivateNetworks: false, allowedHosts: ["hooks.internal"] }, "hooks.internal", "10.0.0.7"),
    ).toBe(true);
  });
});

describe("webhookUrlPolicyFromEnv", () => {
  it("refuses private addresses in production only, unless configured", () => {
    expect(webhookUrlPolicyFromEnv({}).allowPrivateNetworks).toBe(true);
    expect(webhookUrlPolicyFromEnv({ NODE_ENV: "production" }).allowPrivateNetworks).toBe(false);
    expect(
      webhookUrlPolicyFromEnv({ NODE_ENV: "production", METERLINE_WEBHOOK_ALLOW_PRIVATE: "1" }).allowPrivateNetworks,
    ).toBe(true);
    expect(webhookUrlPolicyFromEnv({ METERLINE_WEBHOOK_ALLOW_PRIVATE: "0" }).allowPrivateNetworks).toBe(false);
    expect(
      webhookUrlPolicyFromEnv({ METERLINE_WEBHOOK_ALLOWED_HOSTS: " 127.0.0.1, Hooks.Local ," }).allowedHosts,
    ).toEqual(["127.0.0.1", "hooks.local"]);
  });
});
