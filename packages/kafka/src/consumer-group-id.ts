import { EVENTS_TOPIC } from "./kafka-topic.js";

/**
 * The Kafka group id behind a logical consumer group (e.g. `meterline.materializer`) on `topic`.
 *
 * Kafka scopes a group by its id only, not by topic. Two deployments sharing a cluster with
 * different `KAFKA_TOPIC`s would otherwise form one group: kafkajs's leader assigns the union of
 * the members' topics round-robin over all members, and a member drops partitions of topics it did
 * not subscribe to, so each deployment's materializer would silently leave some of the other's
 * partitions unconsumed (lag that never drains). The default topic keeps the bare name, so
 * existing deployments keep their committed offsets.
 */
export function consumerGroupId(group: string, topic: string): string {
  return topic === EVENTS_TOPIC ? group : `${group}@${topic}`;
}
