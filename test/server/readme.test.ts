import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { API_ANSWERS } from '../../shared/catalogue/api-errors';
import { catalogueSectionOf } from '../../shared/catalogue/readme';
import { withGeneratedApiDocs } from '../../server/http/docs';
import { ROUTES } from '../../server/routes';

describe('README', () => {
  const readme = () => readFileSync('README.md', 'utf8');
  it('lists every route of the API, as generated from the route table', () => {
    const text = readme();
    for (const r of ROUTES) assert.ok(text.includes(`\`${r.method.toUpperCase()} ${r.path}\``), `${r.method} ${r.path} missing from the README`);
    assert.equal(withGeneratedApiDocs(text, ROUTES), text, 'the README is stale: run npx tsx scripts/write-readme-api.ts');
  });
  it('lists every error code the API answers, with its status, in the one list of codes (the catalogue)', () => {
    const codes = catalogueSectionOf(readme()) ?? '';
    for (const [code, answer] of Object.entries(API_ANSWERS)) {
      // The api kind's own code, or an upload refusal's row naming the API code it is answered as.
      const row = answer.kind === 'api' ? `| \`${code}\` | api |  | ${answer.status} |` : `| ${answer.status} \`${code}\` |`;
      assert.ok(codes.includes(row), `error code ${code} (${answer.status}) missing from the README's list of codes`);
    }
    // One list: no second table of error texts elsewhere in the README.
    assert.doesNotMatch(readme(), /api-errors:begin|\| code \| status \| message \|/);
  });
  it('states the quick start commands that .ci/run and users run', () => {
    const text = readme();
    assert.ok(text.includes('npm ci && npm start'));
    assert.ok(text.includes('npm ci && npm test'));
    assert.match(readFileSync('.ci/run', 'utf8'), /^npm ci && npm test$/m);
  });
});
