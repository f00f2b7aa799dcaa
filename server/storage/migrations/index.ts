import { sql as initial } from './001-initial';
import { sql as rateLimits } from './002-rate-limits';
import { sql as planRetirements } from './003-plan-retirements';

/**
 * The schema's migrations, oldest first. Each is applied once, in order, in one transaction
 * (server/storage/pg-migrate.ts). Never edit one that has shipped: its checksum is recorded
 * when applied and a changed one stops start-up; add the next number instead.
 * test/server/pg-database.test.ts checks that every file of this folder is listed here.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: '001-initial', sql: initial },
  { version: 2, name: '002-rate-limits', sql: rateLimits },
  { version: 3, name: '003-plan-retirements', sql: planRetirements },
];
