/**
 * Plans retired by an admin (or restored), one row per record, oldest first: the latest per
 * plan and revision counts (server/catalog-service.ts). Reports of a retired plan stay.
 */
export const sql = `
CREATE TABLE plan_retirements (
  seq   bigserial PRIMARY KEY,
  body  json NOT NULL
);
`;
