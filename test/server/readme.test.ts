import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { API_ERRORS } from '../../shared/catalogue/api-errors';
import { withGeneratedApiDocs } from '../../server/http/docs';
import { ROUTES } from '../../server/routes';

describe('README', () => {
  const readme = () => readFileSync('README.md', 'utf8');
  it('lists every route of the API and every error code, as generated from the route table and the catalogue', () => {
    const text = readme();
    for (const r of ROUTES) assert.ok(text.includes(`\`${r.method.toUpperCase()} ${r.path}\``), `${r.method} ${r.path} missing from the README`);
    for (const code of Object.keys(API_ERRORS)) assert.ok(text.includes(`| \`${code}\` |`), `error code ${code} missing from the README`);
    assert.equal(withGeneratedApiDocs(text, ROUTES), text, 'the README is stale: run npx tsx scripts/write-readme-api.ts');
  });
  it('states the quick start commands that .ci/run and users run', () => {
    const text = readme();
    assert.ok(text.includes('npm ci && npm start'));
    assert.ok(text.includes('npm ci && npm test'));
    assert.match(readFileSync('.ci/run', 'utf8'), /^npm ci && npm test$/m);
  });
});
