import { readFileSync, writeFileSync } from 'node:fs';
import { withGeneratedApiDocs } from '../server/http/docs';
import { ROUTES } from '../server/routes';

/** Rewrites the README's route list and error codes from the route table and the error catalogue: `npx tsx scripts/write-readme-api.ts`. */
const readme = readFileSync('README.md', 'utf8');
const next = withGeneratedApiDocs(readme, ROUTES);
if (next !== readme) writeFileSync('README.md', next);
console.log(next === readme ? 'README.md is current' : 'README.md updated');
