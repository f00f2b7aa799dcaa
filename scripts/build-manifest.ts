/**
 * Builds the Office add-in manifest (manifest/manifest.xml) from
 * manifest/manifest.template.xml for one base URL: every URL in the manifest is
 * derived from it (the task pane at BASE/addin/taskpane.html, icons under
 * BASE/addin/assets/), and the AppDomain is its origin.
 *
 *   npx tsx scripts/build-manifest.ts                       # https://localhost:3000
 *   BASE_URL=https://asr.example.gov.vn npx tsx scripts/build-manifest.ts
 *
 * The committed manifest/manifest.xml is the one for DEFAULT_BASE_URL (a test checks it
 * is up to date); OUT=path writes elsewhere, e.g. a manifest for production.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const DEFAULT_BASE_URL = 'https://localhost:3000';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const TEMPLATE_PATH = path.join(ROOT, 'manifest', 'manifest.template.xml');
export const MANIFEST_PATH = path.join(ROOT, 'manifest', 'manifest.xml');

/**
 * The base URL as the manifest uses it: https only, no credentials, query or fragment,
 * no trailing slash ("https://host:port" or "https://host/prefix").
 */
export function normalizeBaseUrl(baseUrl: string): { base: string; origin: string } {
  let url: URL;
  try {
    url = new URL(baseUrl.trim());
  } catch {
    throw new Error(`Base URL is not a URL: ${JSON.stringify(baseUrl)}`);
  }
  if (url.protocol !== 'https:') throw new Error(`Base URL must use https (Office loads add-ins only over HTTPS): ${baseUrl}`);
  if (url.username || url.password) throw new Error(`Base URL must not carry credentials: ${baseUrl}`);
  if (url.search || url.hash || baseUrl.includes('?') || baseUrl.includes('#')) {
    throw new Error(`Base URL must not have a query or fragment: ${baseUrl}`);
  }
  const pathname = url.pathname.replace(/\/+$/, '');
  return { base: `${url.origin}${pathname}`, origin: url.origin };
}

const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => XML_ESCAPES[c] ?? c);
}

/** The manifest XML for one base URL (see normalizeBaseUrl). */
export function buildManifest(baseUrl: string, template: string = readFileSync(TEMPLATE_PATH, 'utf8')): string {
  const { base, origin } = normalizeBaseUrl(baseUrl);
  const values: Record<string, string> = { BASE_URL: escapeXml(base), APP_DOMAIN: escapeXml(origin) };
  const xml = template.replace(/\{\{([A-Z_]+)\}\}/g, (whole, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`Unknown placeholder ${whole} in ${TEMPLATE_PATH}`);
    return value;
  });
  if (xml.includes('{{') || xml.includes('}}')) throw new Error(`Unreplaced placeholder in ${TEMPLATE_PATH}`);
  return xml;
}

function main(): void {
  const baseUrl = process.env.BASE_URL || DEFAULT_BASE_URL;
  const out = process.env.OUT ? path.resolve(process.env.OUT) : MANIFEST_PATH;
  const xml = buildManifest(baseUrl);
  if (out === MANIFEST_PATH && normalizeBaseUrl(baseUrl).base !== DEFAULT_BASE_URL) {
    console.warn(`note: manifest/manifest.xml is committed for ${DEFAULT_BASE_URL}; a test fails until it is rebuilt without BASE_URL (use OUT=… for other hosts)`);
  }
  writeFileSync(out, xml);
  console.log(`wrote ${path.relative(process.cwd(), out) || out} for ${normalizeBaseUrl(baseUrl).base}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) main();
