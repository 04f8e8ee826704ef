/** One lock per key: work on the same key runs one at a time, in call order; different keys run in parallel. */
export class KeyedMutex {
  private readonly tails = new Map<string, Promise<void>>();

  async run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const before = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((r) => (release = r));
    const tail = before.then(() => mine);
    this.tails.set(key, tail);
    try {
      await before;
      return await work();
    } finally {
      release();
      // The last holder clears the key so the map does not grow with every file ever saved.
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }
}
