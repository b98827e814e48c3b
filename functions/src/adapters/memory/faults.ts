/** Scripted failures for the in-memory ports: transient (thrown) ones and permanent (returned) ones. */

/** A transient failure, as a port throws it. */
export class TransientError extends Error {
  override readonly name = 'TransientError';
}

/** What one call should do instead of succeeding. */
export type Fault =
  { readonly kind: 'throw'; readonly error: Error } | { readonly kind: 'fail'; readonly reason: string };

/** A script of failures for one operation of a fake port. */
export class FaultPlan {
  private throwsLeft = 0;
  private throwMessage = 'transient failure';
  private permanent: string | null = null;

  /** The next `times` calls throw (a transient failure); `Infinity` for always. */
  throwNext(times = 1, message = 'transient failure'): this {
    this.throwsLeft = times;
    this.throwMessage = message;
    return this;
  }

  /** Every call (after the scripted throws) fails permanently with `reason`, until {@link clear}. */
  failWith(reason: string): this {
    this.permanent = reason;
    return this;
  }

  clear(): this {
    this.throwsLeft = 0;
    this.permanent = null;
    return this;
  }

  /** Consumes the fault for one call, if any. */
  take(): Fault | null {
    if (this.throwsLeft > 0) {
      this.throwsLeft--;
      return { kind: 'throw', error: new TransientError(this.throwMessage) };
    }
    return this.permanent === null ? null : { kind: 'fail', reason: this.permanent };
  }

  /** Throws if the next call is scripted to throw; returns the permanent failure reason, if any. */
  apply(): string | null {
    const fault = this.take();
    if (fault?.kind === 'throw') throw fault.error;
    return fault?.reason ?? null;
  }
}
