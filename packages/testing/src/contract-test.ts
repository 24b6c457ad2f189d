import { it } from "vitest";

export interface ContractOptions {
  /**
   * Names of tests that demonstrate a known, reported bug of this adapter. They run as `it.fails`,
   * so the run stays green while the bug is open and turns red the day it is fixed (then remove
   * the name). Every name must exist in the suite.
   */
  knownFailures?: readonly string[];
}

export type ContractTest = (name: string, body: () => Promise<void>) => void;

/** `it`, or `it.fails` for the tests this adapter is known to fail. */
export function contractTest(options: ContractOptions = {}): ContractTest {
  const known = new Set(options.knownFailures ?? []);
  return (name, body) => {
    if (known.has(name)) it.fails(name, body);
    else it(name, body);
  };
}
