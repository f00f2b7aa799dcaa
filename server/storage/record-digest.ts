import { createHash, type Hash } from 'node:crypto';

/**
 * Counts and checksums of records, computed the same way on two stores so that a copy can be
 * verified: each record becomes its canonical JSON (object keys sorted, recursively; no
 * spaces), one line per record, and the lines, in a fixed order, go through SHA-256. Two
 * stores agree on a kind when they hold the same records in the same order, whatever order
 * their files or rows keep the keys of each object in.
 */

/** JSON with every object's keys sorted (arrays keep their order); `undefined` members are left out, as JSON.stringify does. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    const text = JSON.stringify(value) as string | undefined;
    return text ?? 'null';
  }
  if (Array.isArray(value)) return `[${value.map((v: unknown) => canonicalJson(v)).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** The count and running SHA-256 of one kind of record. */
export class KindDigest {
  private readonly hash: Hash = createHash('sha256');
  count = 0;

  add(record: unknown): void {
    this.hash.update(canonicalJson(record));
    this.hash.update('\n');
    this.count += 1;
  }

  /** The hex digest; call once, after the last record. */
  finish(): { count: number; sha256: string } {
    return { count: this.count, sha256: this.hash.digest('hex') };
  }
}

/** The kinds a move copies and verifies, in the order it reports them, with their names in both languages. */
export const KINDS = {
  revisions: { vi: 'Phiên bản báo cáo', en: 'report revisions' },
  heads: { vi: 'Phiên bản mới nhất', en: 'latest revision per report' },
  tokens: { vi: 'Mã truy cập (băm)', en: 'tokens (hashes)' },
  plans: { vi: 'Kế hoạch do quản trị thêm', en: 'plans added by admins' },
  agencies: { vi: 'Cơ quan và xã, phường', en: 'agencies and communes' },
  leadChanges: { vi: 'Đổi cơ quan chủ trì', en: 'lead changes' },
  planRetirements: { vi: 'Kế hoạch ngừng áp dụng', en: 'plan retirements' },
  judgements: { vi: 'Đánh giá thủ công', en: 'judgements' },
  idempotency: { vi: 'Bản ghi Idempotency-Key còn hiệu lực', en: 'idempotency records still valid' },
  audit: { vi: 'Nhật ký kiểm toán', en: 'audit log' },
} as const;
export type Kind = keyof typeof KINDS;
export const KIND_ORDER = Object.keys(KINDS) as Kind[];

export type Digests = Record<Kind, { count: number; sha256: string }>;

/** One running digest per kind. */
export class DigestSet {
  private readonly digests = new Map<Kind, KindDigest>(KIND_ORDER.map((k) => [k, new KindDigest()]));

  of(kind: Kind): KindDigest {
    const digest = this.digests.get(kind);
    if (!digest) throw new Error(`No digest for ${kind}`);
    return digest;
  }

  finish(): Digests {
    const out = {} as Digests;
    for (const kind of KIND_ORDER) out[kind] = this.of(kind).finish();
    return out;
  }
}

/** Records of a kind without an order of their own, in a fixed one: by their canonical JSON. */
export function sortedCanonically<T>(records: T[], keyOf: (record: T) => string): T[] {
  return records.map((r) => ({ r, k: keyOf(r) })).sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : 0)).map((x) => x.r);
}
