/**
 * Rate-limit counters shared by every server process (server/storage/pg-rate-limit.ts).
 * UNLOGGED: no WAL, so a counted request costs no disk flush; after a database crash the
 * table is empty, which only restarts the current minute's windows.
 */
export const sql = `
CREATE UNLOGGED TABLE rate_limits (
  key       text        PRIMARY KEY,
  hits      integer     NOT NULL,
  reset_at  timestamptz NOT NULL
);
CREATE INDEX rate_limits_reset_at ON rate_limits (reset_at);
`;
