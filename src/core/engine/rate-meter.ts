/** Labels per second over a sliding window, for the progress bar's rate and ETA. */
export class RateMeter {
  private readonly times: number[] = [];
  constructor(private readonly windowMs = 20_000) {}

  tick(now = Date.now()): void {
    this.times.push(now);
    while (this.times.length > 0 && now - this.times[0] > this.windowMs) this.times.shift();
  }

  rate(now = Date.now()): number {
    const recent = this.times.filter((t) => now - t <= this.windowMs);
    if (recent.length < 2) return 0;
    const span = (now - recent[0]) / 1000;
    return span > 0 ? recent.length / span : 0;
  }
}
