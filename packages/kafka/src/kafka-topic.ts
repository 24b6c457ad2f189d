import { createKafka, type KafkaConnectionOptions } from "./kafka-client.js";
import { KafkaLogError, kafkaFailure } from "./kafka-failure.js";
import { kafkajs } from "./kafkajs-module.js";

export const EVENTS_TOPIC = "meterline.events.v1";

export interface EnsureTopicOptions extends KafkaConnectionOptions {
  topic?: string;
  partitions: number;
  /** Default 1 (the local single-node stack); a production cluster wants 3. */
  replicationFactor?: number;
  /** Further topic configs (e.g. `retention.ms`, `min.insync.replicas`). */
  config?: Record<string, string>;
}

/**
 * Creates the events topic with `message.timestamp.type=LogAppendTime` (ingestedAt is the
 * broker's append time), or checks that the existing one matches. Idempotent. Never alters an
 * existing topic: more partitions would move organizations to other partitions (their records
 * would no longer be totally ordered), so a mismatch is an error for an operator to resolve.
 */
export async function ensureTopic(options: EnsureTopicOptions): Promise<{ created: boolean }> {
  const topic = options.topic ?? EVENTS_TOPIC;
  const admin = createKafka(options).admin();
  try {
    await admin.connect();
    if (!(await admin.listTopics()).includes(topic)) {
      const configEntries = Object.entries({ ...options.config, "message.timestamp.type": "LogAppendTime" }).map(
        ([name, value]) => ({ name, value }),
      );
      const created = await admin.createTopics({
        topics: [
          {
            topic,
            numPartitions: options.partitions,
            replicationFactor: options.replicationFactor ?? 1,
            configEntries,
          },
        ],
        waitForLeaders: true,
      });
      // false: another process created it in the meantime; check it like any existing topic.
      if (created) return { created: true };
    }
    const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
    const partitions = metadata.topics[0]?.partitions.length ?? 0;
    if (partitions !== options.partitions) {
      throw new KafkaLogError(`topic ${topic} has ${partitions} partitions, expected ${options.partitions}`);
    }
    const described = await admin.describeConfigs({
      resources: [{ type: kafkajs.ConfigResourceTypes.TOPIC, name: topic, configNames: ["message.timestamp.type"] }],
      includeSynonyms: false,
    });
    const timestampType = described.resources[0]?.configEntries.find(
      (entry) => entry.configName === "message.timestamp.type",
    )?.configValue;
    if (timestampType !== "LogAppendTime") {
      throw new KafkaLogError(
        `topic ${topic} has message.timestamp.type=${timestampType}; set it to LogAppendTime so ingestedAt is the broker's append time`,
      );
    }
    return { created: false };
  } catch (error) {
    throw kafkaFailure(error, `ensure topic ${topic}`);
  } finally {
    await admin.disconnect();
  }
}

/** Deletes a topic if it exists (tests drop their fresh topic with it). */
export async function deleteTopic(options: KafkaConnectionOptions & { topic: string }): Promise<void> {
  const admin = createKafka(options).admin();
  try {
    await admin.connect();
    if ((await admin.listTopics()).includes(options.topic)) await admin.deleteTopics({ topics: [options.topic] });
  } catch (error) {
    throw kafkaFailure(error, `delete topic ${options.topic}`);
  } finally {
    await admin.disconnect();
  }
}
