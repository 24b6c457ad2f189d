/**
 * A counting semaphore: at most `size` tasks run at once, the rest wait in arrival order. A worker
 * that serves several job names runs one BullMQ worker per name; their handlers share these slots
 * so the port's `concurrency` bounds the whole worker, not each name.
 */
export class Slots {
  private used = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly size: number) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError("size must be a positive integer");
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.used < this.size) this.used += 1;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    try {
      return await task();
    } finally {
      // The slot passes straight to the next waiter, so `used` stays as it is.
      const next = this.waiting.shift();
      if (next !== undefined) next();
      else this.used -= 1;
    }
  }
}
