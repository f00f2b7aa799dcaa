import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ROUTES } from '../../server/routes';

describe('README', () => {
  it('lists every route of the API', () => {
    const readme = readFileSync('README.md', 'utf8');
    for (const r of ROUTES) assert.ok(readme.includes(`\`${r.method.toUpperCase()} ${r.path}\``), `${r.method} ${r.path} missing from the README`);
  });
  it('states the quick start commands that .ci/run and users run', () => {
    const readme = readFileSync('README.md', 'utf8');
    assert.ok(readme.includes('npm ci && npm start'));
    assert.ok(readme.includes('npm ci && npm test'));
    assert.match(readFileSync('.ci/run', 'utf8'), /^npm ci && npm test$/m);
  });
});
