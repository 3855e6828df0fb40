/**
 * Runs tasks for the same key one after another, in arrival order; different keys run freely.
 * One conversation is never handled twice at once inside this process.
 */
export class KeyedMutex {
  private readonly tails = new Map<string, Promise<void>>();

  async run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key);
    let release!: () => void;
    const current = new Promise<void>((r) => {
      release = r;
    });
    this.tails.set(key, current);
    try {
      if (previous) await previous;
      return await task();
    } finally {
      release();
      // Only the last waiter clears the key, so the map holds busy conversations only.
      if (this.tails.get(key) === current) this.tails.delete(key);
    }
  }

  get size(): number {
    return this.tails.size;
  }
}
