import { describe, expect, it } from "vitest";
import { consumerGroupId } from "./consumer-group-id.js";
import { EVENTS_TOPIC } from "./kafka-topic.js";

describe("consumerGroupId", () => {
  it("keeps the bare group name on the default topic (existing offsets stay valid)", () => {
    expect(consumerGroupId("meterline.materializer", EVENTS_TOPIC)).toBe("meterline.materializer");
  });

  it("gives each other topic a group of its own, so deployments sharing a cluster never share members", () => {
    const a = consumerGroupId("meterline.materializer", "meterline.events.a");
    const b = consumerGroupId("meterline.materializer", "meterline.events.b");
    expect(a).not.toBe(b);
    expect(a).not.toBe("meterline.materializer");
  });
});
