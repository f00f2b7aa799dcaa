import { readFileSync, writeFileSync } from 'node:fs';
import { withGeneratedApiDocs } from '../server/http/docs';
import { ROUTES } from '../server/routes';

/** Rewrites the README's route list from the route table: `npx tsx scripts/write-readme-api.ts` (the codes are `npm run catalogue`'s). */
const readme = readFileSync('README.md', 'utf8');
const next = withGeneratedApiDocs(readme, ROUTES);
if (next !== readme) writeFileSync('README.md', next);
console.log(next === readme ? 'README.md is current' : 'README.md updated');
