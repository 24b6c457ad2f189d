/** Injected time source: nothing in the core calls `Date.now()`. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock tests move by hand. */
export class FixedClock implements Clock {
  private current: number;
  constructor(start: Date | string) {
    this.current = new Date(start).getTime();
  }
  now(): Date {
    return new Date(this.current);
  }
  set(to: Date | string): void {
    this.current = new Date(to).getTime();
  }
  advance(milliseconds: number): void {
    this.current += milliseconds;
  }
}

/**
 * The sandbox clock: real time plus an offset that only grows. Integrators move it forward to
 * rehearse billing cycles; it never goes back, so nothing already billed can become due again.
 */
export class SandboxClock implements Clock {
  private offsetMs = 0;
  constructor(private readonly base: Clock = systemClock) {}
  now(): Date {
    return new Date(this.base.now().getTime() + this.offsetMs);
  }
  advance(milliseconds: number): Date {
    if (milliseconds > 0) this.offsetMs += milliseconds;
    return this.now();
  }
  /** Moves to `target` if it is ahead; an earlier target changes nothing. */
  advanceTo(target: Date): Date {
    const ahead = target.getTime() - this.now().getTime();
    return this.advance(ahead);
  }
}
