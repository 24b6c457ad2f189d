/**
 * A view of repositories whose read methods remember their answers for as long as the view lives
 * (one announcement batch, one subscription's cycle). Only for reads of objects the surrounding
 * work does not change: a cycle rereads the same product, prices, customer and meters many times.
 */
export function memoizedReads<Repositories extends object>(
  repositories: Repositories,
  methods: { [Name in keyof Repositories]?: readonly string[] },
): Repositories {
  const view = { ...repositories } as Record<string, unknown>;
  for (const [name, methodNames] of Object.entries(methods) as Array<[string, readonly string[]]>) {
    const repository = (repositories as Record<string, object>)[name];
    if (repository === undefined) continue;
    const cache = new Map<string, Promise<unknown>>();
    const wrapped = Object.create(repository) as Record<string, unknown>;
    for (const method of methodNames) {
      const original = (repository as Record<string, (...args: unknown[]) => Promise<unknown>>)[method];
      if (typeof original !== "function") continue;
      wrapped[method] = (...args: unknown[]) => {
        const key = `${method}:${JSON.stringify(args)}`;
        let answer = cache.get(key);
        if (answer === undefined) {
          answer = original.apply(repository, args);
          // A failed read is not remembered: the next call asks again.
          answer.catch(() => cache.delete(key));
          cache.set(key, answer);
        }
        return answer;
      };
    }
    view[name] = wrapped;
  }
  return view as Repositories;
}

/** The catalog and customer reads a cycle and its announcements repeat (none of them change during it). */
export const CYCLE_READS = {
  customers: ["getMany", "get"],
  products: ["get", "getMany", "pricesByIds"],
  benefits: ["getMany"],
  discounts: ["get"],
  meters: ["getMany", "get"],
} as const;
