import pg from 'pg';

/**
 * What one process tells the others that share its database: every committed write sends a
 * NOTIFY on `CHANGES_CHANNEL` (inside the write's transaction, so it is delivered only if
 * the write commits), and each process LISTENs on one dedicated connection to drop what it
 * cached. NOTIFY is not durable: when the listening connection is lost, every listener hears
 * `{ kind: 'all' }` (drop everything) once it is back, since changes may have been missed.
 */
export const CHANGES_CHANNEL = 'an_sinh_changes';

export type StoreChange =
  | { kind: 'report'; planId: string; period: string; agencyId: string; revision: number }
  | { kind: 'judgement'; planId: string; period: string }
  | { kind: 'catalog' }
  | { kind: 'tokens' }
  | { kind: 'all' };

export type ChangeListener = (change: StoreChange) => void;

function parseChange(payload: string | undefined): StoreChange {
  try {
    const value = JSON.parse(payload ?? '') as { kind?: unknown } | null;
    const kinds = ['report', 'judgement', 'catalog', 'tokens', 'all'];
    if (typeof value?.kind === 'string' && kinds.includes(value.kind)) return value as StoreChange;
  } catch {
    // not ours: treated as "anything may have changed"
  }
  return { kind: 'all' };
}

/** One LISTEN connection, reconnected after a loss (every `retryMs`) until closed. */
export class ChangeFeed {
  private client: pg.Client | null = null;
  private closed = false;
  private retry: NodeJS.Timeout | null = null;
  private readonly listeners = new Set<ChangeListener>();

  constructor(
    private readonly url: string,
    private readonly log: (message: string) => void,
    private readonly retryMs = 1_000,
  ) {}

  /** Connects and LISTENs; resolves once listening. */
  async start(): Promise<void> {
    const client = new pg.Client({ connectionString: this.url, application_name: 'an-sinh-listen' });
    client.on('notification', (n) => {
      if (n.channel === CHANGES_CHANNEL) this.emit(parseChange(n.payload));
    });
    client.on('error', (err) => this.lost(client, err));
    client.on('end', () => this.lost(client, new Error('connection ended')));
    await client.connect();
    await client.query(`LISTEN ${CHANGES_CHANNEL}`);
    this.client = client;
  }

  subscribe(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retry) clearTimeout(this.retry);
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => {});
  }

  private emit(change: StoreChange): void {
    for (const listener of this.listeners) {
      try {
        listener(change);
      } catch (err) {
        this.log(`WARNING: a change listener failed (${err instanceof Error ? err.message : String(err)})`);
      }
    }
  }

  private lost(client: pg.Client, err: unknown): void {
    if (this.closed || this.client !== client) return;
    this.client = null;
    client.end().catch(() => {});
    this.log(`WARNING: lost the PostgreSQL change feed (${err instanceof Error ? err.message : String(err)}); reconnecting`);
    this.reconnect();
  }

  private reconnect(): void {
    if (this.closed || this.retry) return;
    this.retry = setTimeout(() => {
      this.retry = null;
      this.start().then(
        // Changes may have been committed while no one listened.
        () => this.emit({ kind: 'all' }),
        () => this.reconnect(),
      );
    }, this.retryMs);
    this.retry.unref();
  }
}
