import { markdownCell as cell, withSection } from '../../shared/text';
import { accessText } from './route';
import type { Route } from './route';

/**
 * The README's route list, generated from the route table (scripts/write-readme-api.ts
 * writes it between its markers; the README test checks it is current). The error codes
 * are not listed here: they are the catalogue's, in the README's list of codes
 * (`npm run catalogue`), and each route's own are in the OpenAPI document.
 */
export const README_MARKERS = {
  routes: ['<!-- api-routes:begin -->', '<!-- api-routes:end -->'],
} as const;

export function routeTableMarkdown(routes: readonly Route[]): string {
  const rows = routes.map((r) => `| \`${r.method.toUpperCase()} ${r.path}\` | ${cell(accessText(r))} | ${cell(r.summary)} |`);
  return ['| route | who | what |', '| --- | --- | --- |', ...rows].join('\n');
}

/** The README with its route list replaced (between its markers). */
export function withGeneratedApiDocs(readme: string, routes: readonly Route[]): string {
  const [begin, end] = README_MARKERS.routes;
  return withSection(readme, begin, end, routeTableMarkdown(routes));
}
