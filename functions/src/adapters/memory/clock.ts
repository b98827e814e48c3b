/** A clock that moves only when told to. */
import type { Clock } from '../../engine/ports.js';

export class FakeClock implements Clock {
  constructor(private time = Date.UTC(2025, 0, 1)) {}

  now(): number {
    return this.time;
  }

  advance(ms: number): this {
    this.time += ms;
    return this;
  }

  /** Moves to `time`, never backwards. */
  advanceTo(time: number): this {
    this.time = Math.max(this.time, time);
    return this;
  }
}
