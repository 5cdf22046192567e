import { performance } from 'node:perf_hooks';

/**
 * A wall-clock budget for building one subject. Stages ask it between steps instead of being
 * interrupted, so every stage leaves the subject in a consistent state when time runs out.
 */
export class Deadline {
  private readonly endsAt: number;

  constructor(millis: number, private readonly now: () => number = () => performance.now()) {
    this.endsAt = this.now() + millis;
  }

  /** Milliseconds left, never negative. */
  remaining(): number {
    return Math.max(0, this.endsAt - this.now());
  }

  expired(): boolean {
    return this.now() >= this.endsAt;
  }
}
