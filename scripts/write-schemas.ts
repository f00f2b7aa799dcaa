/**
 * Writes the JSON Schemas generated from the zod schemas, for editors and other tools
 * that read plan files. `npm run schema`; a test fails when the files are stale.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { schemaFiles } from '../shared/schema/json-schema';

const root = fileURLToPath(new URL('..', import.meta.url));
for (const [path, schema] of Object.entries(schemaFiles())) {
  writeFileSync(`${root}${path}`, `${JSON.stringify(schema, null, 2)}\n`);
  console.log(`wrote ${path}`);
}
