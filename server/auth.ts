import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { ipKeyGenerator } from 'express-rate-limit';
import type { Store, TokenRecord } from './storage/types';
import { apiError, errors } from './errors';

/**
 * Bearer tokens: 256 random bits, stored only as SHA-256, compared in constant time.
 * Roles: agency (its own reports only; its id comes from the token), consolidator (reads
 * everything, approves and returns), admin (plans, agencies, tokens).
 */
export type Role = TokenRecord['role'];

export interface Principal {
  tokenId: string;
  role: Role;
  agencyId: string | null;
  label: string;
}

export function hashToken(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

export function newToken(role: Role, agencyId: string | null, label: string, now: Date): { secret: string; record: TokenRecord } {
  const secret = `asr_${randomBytes(32).toString('base64url')}`;
  return {
    secret,
    record: {
      id: `tok_${randomBytes(6).toString('hex')}`,
      hash: hashToken(secret),
      role,
      agencyId,
      label,
      createdAt: now.toISOString(),
      revokedAt: null,
    },
  };
}

/** Constant-time comparison of two hex digests of equal length. */
export function sameDigest(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}

declare module 'express-serve-static-core' {
  interface Request {
    principal?: Principal | null;
  }
}

/**
 * Failed sign-ins per address: how long the address must wait, and one more failure. Per
 * process on the embedded store (one process); in the database on PostgreSQL, so that
 * processes behind a load balancer do not each grant the limit (server/storage/pg-sign-in-guard.ts).
 */
export interface FailedSignIns {
  /** Seconds until the address may fail again; 0 when it is not blocked. */
  retryAfter(address: string, now: number): number | Promise<number>;
  fail(address: string, now: number): void | Promise<void>;
}

/**
 * Counts failed sign-ins per address (an IPv6 address by its /56, as the rate limiter does)
 * and refuses further FAILED attempts over the limit until the window ends. A valid token is
 * never checked here: one misconfigured client behind a shared NAT cannot lock out the
 * other agencies. Memory is bounded: at most `maxAddresses` are remembered; when full, the
 * address whose window began first (the one closest to being forgotten anyway) goes.
 */
export class SignInGuard implements FailedSignIns {
  private readonly failures = new Map<string, { count: number; since: number }>();
  constructor(
    private readonly limit: number,
    private readonly windowMs = 15 * 60 * 1000,
    readonly maxAddresses = 10_000,
  ) {}

  /** How many addresses are remembered now. */
  get size(): number {
    return this.failures.size;
  }

  /** Seconds until the address may fail again; 0 when it is not blocked. */
  retryAfter(address: string, now: number): number {
    const f = this.failures.get(address);
    if (!f) return 0;
    if (now - f.since >= this.windowMs) {
      this.failures.delete(address);
      return 0;
    }
    return f.count >= this.limit ? Math.max(1, Math.ceil((f.since + this.windowMs - now) / 1000)) : 0;
  }

  fail(address: string, now: number): void {
    const f = this.failures.get(address);
    if (f && now - f.since < this.windowMs) {
      f.count = Math.min(f.count + 1, this.limit);
      return;
    }
    // A new window goes to the end, so insertion order stays the order of window starts.
    this.failures.delete(address);
    for (const oldest of this.failures.keys()) {
      if (this.failures.size < this.maxAddresses) break;
      this.failures.delete(oldest);
    }
    this.failures.set(address, { count: 1, since: now });
  }
}

const BEARER = /^Bearer\s+([A-Za-z0-9_\-.~+/=]{16,200})\s*$/;

/**
 * Who you are, first: every route mounted after this needs a valid bearer token, and
 * nothing about the route, its parameters or its body is looked at before. No header is 401
 * unauthenticated, a wrong or revoked token 401 invalid-token, always with the same body.
 * Only failures go through the SignInGuard (429 with Retry-After once an address has
 * failed too often); a valid token always passes.
 */
export function authenticate(store: Store, guard: FailedSignIns, now: () => number) {
  return async (req: Request, _res: Response, next: NextFunction): Promise<void> => {
    try {
      req.principal = null;
      const header = req.headers.authorization;
      if (!header) throw errors.unauthenticated();
      const match = BEARER.exec(header);
      const hash = match?.[1] !== undefined ? hashToken(match[1]) : null;
      const record = hash ? await store.findTokenByHash(hash) : null;
      if (hash && record && sameDigest(record.hash, hash) && !record.revokedAt) {
        req.principal = { tokenId: record.id, role: record.role, agencyId: record.agencyId, label: record.label };
        next();
        return;
      }
      const address = ipKeyGenerator(req.ip ?? '0.0.0.0');
      const wait = await guard.retryAfter(address, now());
      if (wait > 0) throw errors.tooMany(wait);
      await guard.fail(address, now());
      throw errors.badToken();
    } catch (error) {
      next(error);
    }
  };
}

export function requirePrincipal(req: Request): Principal {
  if (!req.principal) throw errors.unauthenticated();
  return req.principal;
}

export function requireRole(req: Request, ...roles: Role[]): Principal {
  const principal = requirePrincipal(req);
  if (!roles.includes(principal.role)) {
    throw apiError('role-forbidden', { params: { role: principal.role } });
  }
  return principal;
}

/** An agency reads and writes only its own reports; consolidators and admins read all. */
export function requireReportAccess(req: Request, agencyId: string, write: boolean): Principal {
  const principal = requirePrincipal(req);
  if (principal.role === 'agency') {
    if (principal.agencyId !== agencyId) {
      throw apiError('not-own-report');
    }
    return principal;
  }
  if (write && principal.role === 'consolidator') {
    throw apiError('consolidator-cannot-edit');
  }
  return principal;
}


/**
 * What a plan's reports are judged against (last year's values): consolidators and admins
 * read it for every plan, an agency for the plans it reports on.
 */
export function requirePlanReader(req: Request, reportsOnPlan: (agencyId: string) => boolean): Principal {
  const principal = requirePrincipal(req);
  if (principal.role === 'agency' && !(principal.agencyId && reportsOnPlan(principal.agencyId))) {
    throw apiError('plan-not-reported');
  }
  return principal;
}
