/**
 * Collects values between animation frames and hands them over once per frame: pointer samples of a stroke, changed
 * regions of the mask. Pointer events can arrive several times a frame; the work they cause should not.
 */
export class FrameBatcher<T> {
  private pending: T[] = [];
  private frame = 0;

  constructor(private readonly deliver: (batch: T[]) => void) {}

  push(value: T): void {
    this.pending.push(value);
    if (this.frame === 0) this.frame = requestAnimationFrame(() => this.flush());
  }

  /** Delivers what is pending now (e.g. before a stroke ends), instead of waiting for the frame. */
  flush(): void {
    if (this.frame !== 0) cancelAnimationFrame(this.frame);
    this.frame = 0;
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    this.deliver(batch);
  }

  /** Drops what is pending (the component is going away). */
  cancel(): void {
    if (this.frame !== 0) cancelAnimationFrame(this.frame);
    this.frame = 0;
    this.pending = [];
  }

  get size(): number {
    return this.pending.length;
  }
}
