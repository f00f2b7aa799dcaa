import type { Text } from '../i18n';
import type { CatalogueEntry, CatalogueVariant, Lang, ParamValue, Params } from './types';

const PLACEHOLDER = /\{([A-Za-z][A-Za-z0-9]*)\}/g;

/** The placeholders of a template, in order of first use: "{a} or {b}" → ["a", "b"]. */
export function placeholders(template: string): string[] {
  return [...new Set((template.match(PLACEHOLDER) ?? []).map((p) => p.slice(1, -1)))];
}

/** A parameter as a message shows it in `lang` (undefined when absent). */
export function shown(value: ParamValue | undefined, lang: Lang): string | undefined {
  if (value === undefined) return undefined;
  if (value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return value.join(', ');
  return (value as Text)[lang];
}

/** What fills a placeholder in `lang`: what the entry's `format` derived, else the parameter itself. */
function valueOf(name: string, params: Params, lang: Lang, derived: Readonly<Record<string, string>> | undefined): string | undefined {
  return derived !== undefined && Object.hasOwn(derived, name) ? derived[name] : shown(params[name], lang);
}

/**
 * A template cut at its placeholders, once: literal, name, literal, … (findings are made
 * for every value of every report, so a template is not scanned each time).
 */
const PARTS = new Map<string, readonly string[]>();
function partsOf(template: string): readonly string[] {
  let parts = PARTS.get(template);
  if (!parts) {
    parts = template.split(PLACEHOLDER);
    PARTS.set(template, parts);
  }
  return parts;
}

/** Fills `{name}` placeholders; one without a value is left as it is, so a test can find it. */
function fill(template: string, params: Params, lang: Lang, derived: Readonly<Record<string, string>> | undefined): string {
  // The parts alternate: literal text at even places, a placeholder's name at odd ones.
  return partsOf(template)
    .map((part, i) => (i % 2 === 0 ? part : (valueOf(part, params, lang, derived) ?? `{${part}}`)))
    .join('');
}

const NO_VARIANT: CatalogueVariant = {};

function variantOf(entry: CatalogueEntry, variant: string | undefined): CatalogueVariant {
  if (variant === undefined) return NO_VARIANT;
  const found = entry.variants?.[variant];
  if (!found) throw new Error(`catalogue: ${entry.kind} ${entry.code} has no variant "${variant}"`);
  return found;
}

/** The templates of an entry (or of one of its variants). */
export function templatesOf(entry: CatalogueEntry, variant?: string): { message: Text; hint: Text | undefined } {
  const v = variantOf(entry, variant);
  return { message: v.message ?? entry.message, hint: v.hint ?? entry.hint };
}

/** The message and hint of an entry, in both languages, for these parameters. */
export function render(entry: CatalogueEntry, params: Params = {}, variant?: string): { message: Text; hint: Text | undefined } {
  const { message, hint } = templatesOf(entry, variant);
  const vi = entry.format?.(params, 'vi');
  const en = entry.format?.(params, 'en');
  return {
    message: { vi: fill(message.vi, params, 'vi', vi), en: fill(message.en, params, 'en', en) },
    hint: hint ? { vi: fill(hint.vi, params, 'vi', vi), en: fill(hint.en, params, 'en', en) } : undefined,
  };
}

/** Placeholders of an entry's templates (or a variant's) that these parameters leave unfilled. */
export function missingPlaceholders(entry: CatalogueEntry, params: Params = {}, variant?: string): string[] {
  const { message, hint } = templatesOf(entry, variant);
  const missing = new Set<string>();
  for (const lang of ['vi', 'en'] as const) {
    const derived = entry.format?.(params, lang);
    for (const template of [message[lang], hint?.[lang] ?? '']) {
      for (const name of placeholders(template)) if (valueOf(name, params, lang, derived) === undefined) missing.add(name);
    }
  }
  return [...missing];
}
