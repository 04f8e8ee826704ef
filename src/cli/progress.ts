/** A one-line progress bar on stderr (redrawn in place on a terminal, a line every few seconds otherwise). */
export class ProgressBar {
  private readonly started = Date.now();
  private lastDraw = 0;
  private readonly tty = process.stderr.isTTY === true;

  constructor(
    private readonly total: number,
    private readonly label: string,
  ) {}

  update(done: number, extra = ''): void {
    const now = Date.now();
    const minGap = this.tty ? 100 : 5000;
    if (done < this.total && now - this.lastDraw < minGap) return;
    this.lastDraw = now;
    const secs = (now - this.started) / 1000;
    const rate = secs > 0 ? done / secs : 0;
    const eta = rate > 0 ? (this.total - done) / rate : 0;
    const width = 24;
    const filled = this.total ? Math.round((done / this.total) * width) : width;
    const bar = '#'.repeat(filled) + '-'.repeat(width - filled);
    const line = `${this.label} [${bar}] ${done}/${this.total} ${rate.toFixed(1)}/s ETA ${Math.ceil(eta)}s ${extra}`;
    if (this.tty) process.stderr.write(`\r${line.padEnd(100).slice(0, 100)}`);
    else process.stderr.write(`${line}\n`);
  }

  finish(): void {
    if (this.tty) process.stderr.write('\n');
  }
}
