import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { StoreChange } from './types';

export type { StoreChange } from './types';

/**
 * What one process tells the others that share its database: every committed write sends a
 * NOTIFY on `CHANGES_CHANNEL` (inside the write's transaction, so it is delivered only if
 * the write commits), and each process LISTENs on one dedicated connection to drop what it
 * cached. NOTIFY is not durable: when the listening connection is lost, every listener hears
 * `{ kind: 'all' }` (drop everything) once it is back, since changes may have been missed.
 * A store does not hear its own changes (each payload names its origin): its process
 * handled them already.
 */
export const CHANGES_CHANNEL = 'an_sinh_changes';

export type ChangeListener = (change: StoreChange) => void;

/** A store's name in the payloads it sends (one store per server process). */
export function newOrigin(): string {
  return randomUUID();
}

export function changePayload(change: StoreChange, origin: string): string {
  return JSON.stringify({ ...change, origin });
}

/** The change, null when `origin` (this store) sent it; anything unreadable means "anything may have changed". */
export function parseChange(payload: string | undefined, origin: string): StoreChange | null {
  try {
    const value = JSON.parse(payload ?? '') as { kind?: unknown; origin?: unknown } | null;
    if (value?.origin === origin) return null;
    const kinds = ['report', 'judgement', 'catalog', 'tokens', 'all'];
    if (typeof value?.kind === 'string' && kinds.includes(value.kind)) {
      const { origin: _origin, ...change } = value;
      return change as StoreChange;
    }
  } catch {
    // not ours
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
    /** The store's own origin: its own changes are not heard. */
    private readonly origin: string,
    private readonly log: (message: string) => void,
    private readonly retryMs = 1_000,
  ) {}

  /** Connects and LISTENs; resolves once listening. */
  async start(): Promise<void> {
    const client = new pg.Client({ connectionString: this.url, application_name: 'an-sinh-listen' });
    client.on('notification', (n) => {
      const change = n.channel === CHANGES_CHANNEL ? parseChange(n.payload, this.origin) : null;
      if (change) this.emit(change);
    });
    client.on('error', (err) => this.lost(client, err));
    client.on('end', () => this.lost(client, new Error('connection ended')));
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANGES_CHANNEL}`);
    } catch (err) {
      await client.end().catch(() => {});
      throw err;
    }
    if (this.closed) {
      await client.end().catch(() => {});
      return;
    }
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
    this.restart();
  }

  /** Connects again in `retryMs` (and again after each failure), then tells every listener to drop everything. */
  restart(): void {
    if (this.closed || this.retry) return;
    this.retry = setTimeout(() => {
      this.retry = null;
      this.start().then(
        // Changes may have been committed while no one listened.
        () => this.emit({ kind: 'all' }),
        () => this.restart(),
      );
    }, this.retryMs);
    this.retry.unref();
  }
}
