/**
 * A counting semaphore with a bounded queue: at most `concurrent` tasks run, at most `queue`
 * wait, and a task beyond both is refused at once (`run` gives `busy`) rather than left to
 * pile up memory. Used for reading uploads, the one costly thing a client can ask for.
 */
export class Slots {
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(
    readonly concurrent: number,
    readonly queue: number,
  ) {}

  /** `task`'s result, or `busy` when every slot is taken and the queue is full. */
  async run<T>(task: () => Promise<T>): Promise<{ busy: false; value: T } | { busy: true }> {
    if (this.running >= this.concurrent) {
      if (this.waiting.length >= this.queue) return { busy: true };
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.running++;
    }
    try {
      return { busy: false, value: await task() };
    } finally {
      // The slot passes straight to the next in line, so `running` never drops in between.
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }

  /** Tasks running and waiting now (for tests and logs). */
  get load(): { running: number; waiting: number } {
    return { running: this.running, waiting: this.waiting.length };
  }
}
