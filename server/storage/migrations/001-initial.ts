/**
 * The first schema. Records are kept as the JSON the API speaks (`json`, stored verbatim,
 * so nothing is reordered or normalised) beside the columns that find them.
 *
 * Reports: `report_revisions` holds every revision; its primary key (report, revision) is
 * the unique constraint that makes two processes unable to both write revision n.
 * `report_heads` names each report's latest revision: a put moves it from n to n + 1 with a
 * compare-and-set UPDATE in the same transaction, so listings join one row per report.
 */
export const sql = `
CREATE TABLE report_revisions (
  plan_id    text    NOT NULL,
  period     text    NOT NULL,
  agency_id  text    NOT NULL,
  revision   integer NOT NULL CHECK (revision >= 1),
  saved_at   text    NOT NULL,
  body       json    NOT NULL,
  PRIMARY KEY (plan_id, period, agency_id, revision)
);

CREATE TABLE report_heads (
  plan_id    text    NOT NULL,
  period     text    NOT NULL,
  agency_id  text    NOT NULL,
  revision   integer NOT NULL,
  PRIMARY KEY (plan_id, period, agency_id),
  FOREIGN KEY (plan_id, period, agency_id, revision) REFERENCES report_revisions DEFERRABLE INITIALLY DEFERRED
);

CREATE TABLE idempotency (
  scope        text   NOT NULL,
  key          text   NOT NULL,
  at           text   NOT NULL,
  at_ms        bigint NOT NULL,
  record       json   NOT NULL,
  PRIMARY KEY (scope, key)
);
CREATE INDEX idempotency_at ON idempotency (at_ms);

CREATE TABLE audit (
  seq        bigserial PRIMARY KEY,
  at         text NOT NULL,
  actor      text NOT NULL,
  action     text NOT NULL,
  plan_id    text,
  period     text,
  agency_id  text,
  revision   integer,
  entry      json NOT NULL
);
CREATE INDEX audit_report ON audit (plan_id, period, agency_id, revision);

CREATE TABLE tokens (
  id          text PRIMARY KEY,
  seq         bigserial NOT NULL UNIQUE,
  hash        text NOT NULL UNIQUE,
  role        text NOT NULL,
  agency_id   text,
  label       text NOT NULL,
  created_at  text NOT NULL,
  revoked_at  text
);

CREATE TABLE plan_files (
  seq   bigserial PRIMARY KEY,
  body  json NOT NULL
);

CREATE TABLE agencies (
  id    text PRIMARY KEY,
  seq   bigserial NOT NULL UNIQUE,
  body  json NOT NULL
);

CREATE TABLE lead_changes (
  seq   bigserial PRIMARY KEY,
  body  json NOT NULL
);

CREATE TABLE judgements (
  plan_id    text NOT NULL,
  period     text NOT NULL,
  indicator  text NOT NULL,
  body       json NOT NULL,
  PRIMARY KEY (plan_id, period, indicator)
);
`;
