import { randomUUID } from "node:crypto";

/** Injected id source, so tests can make ids deterministic. */
export interface IdGenerator {
  /** A lowercase UUID version 4. */
  uuid(): string;
}

export const randomIdGenerator: IdGenerator = { uuid: () => randomUUID() };
