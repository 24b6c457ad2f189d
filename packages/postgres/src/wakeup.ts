/**
 * An interruptible sleep for polling loops. A `wake()` that arrives while the loop is busy is
 * remembered, so the next `sleep()` returns at once instead of missing the news for a whole poll.
 */
export class Wakeup {
  private pending = false;
  private resolveSleep: (() => void) | undefined;

  wake(): void {
    if (this.resolveSleep !== undefined) {
      const resolve = this.resolveSleep;
      this.resolveSleep = undefined;
      resolve();
    } else {
      this.pending = true;
    }
  }

  sleep(ms: number): Promise<void> {
    if (this.pending) {
      this.pending = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.resolveSleep = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.resolveSleep = done;
    });
  }
}
