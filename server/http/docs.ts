import { API_ERRORS } from '../../shared/catalogue/api-errors';
import { accessText } from './route';
import type { Route } from './route';

/**
 * The README's route list and error codes, generated from the route table and the error
 * catalogue (scripts/write-readme-api.ts writes them between the markers; the README test
 * checks they are current).
 */
export const README_MARKERS = {
  routes: ['<!-- api-routes:begin -->', '<!-- api-routes:end -->'],
  errors: ['<!-- api-errors:begin -->', '<!-- api-errors:end -->'],
} as const;

const cell = (text: string) => text.replace(/\|/g, '\\|');

export function routeTableMarkdown(routes: readonly Route[]): string {
  const rows = routes.map((r) => `| \`${r.method.toUpperCase()} ${r.path}\` | ${cell(accessText(r))} | ${cell(r.summary)} |`);
  return ['| route | who | what |', '| --- | --- | --- |', ...rows].join('\n');
}

export function errorTableMarkdown(): string {
  const rows = Object.values(API_ERRORS).map((e) => `| \`${e.code}\` | ${e.status} | ${cell(e.message.en)} | ${cell(e.message.vi)} |`);
  return ['| code | status | message | thông báo |', '| --- | --- | --- | --- |', ...rows].join('\n');
}

/** The README with both generated blocks replaced (each between its markers). */
export function withGeneratedApiDocs(readme: string, routes: readonly Route[]): string {
  const blocks: Array<[readonly [string, string], string]> = [
    [README_MARKERS.routes, routeTableMarkdown(routes)],
    [README_MARKERS.errors, errorTableMarkdown()],
  ];
  return blocks.reduce((text, [[begin, end], body]) => {
    const from = text.indexOf(begin);
    const to = text.indexOf(end);
    if (from < 0 || to < from) throw new Error(`README lacks ${begin} … ${end}`);
    return `${text.slice(0, from + begin.length)}\n${body}\n${text.slice(to)}`;
  }, readme);
}
