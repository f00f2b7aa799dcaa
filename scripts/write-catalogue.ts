/**
 * Writes the README's list of codes from the catalogue (shared/catalogue/), between its
 * markers. `npm run catalogue`; a test fails when the README's list is stale.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { catalogueEntries } from '../shared/catalogue';
import { catalogueTable, withCatalogueSection } from '../shared/catalogue/readme';

const readmePath = fileURLToPath(new URL('../README.md', import.meta.url));
const entries = catalogueEntries();
writeFileSync(readmePath, withCatalogueSection(readFileSync(readmePath, 'utf8'), catalogueTable(entries)));
console.log(`wrote the list of ${entries.length} codes to README.md`);
