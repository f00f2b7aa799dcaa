import { formatNumberEn, formatNumberVi } from '../numbers';
import { shown } from './render';
import type { CatalogueEntry, CatalogueKind, Lang, ParamValue } from './types';

/** An entry as written in a catalogue file: its code is its key, its kind the file's. */
export type EntrySpec = Omit<CatalogueEntry, 'code' | 'kind'>;

/** Adds the code (from the key) and the kind to each entry of one vocabulary. */
export function defineEntries<K extends CatalogueKind, C extends string>(kind: K, specs: Readonly<Record<C, EntrySpec>>): Readonly<Record<C, CatalogueEntry<K>>> {
  const out = {} as Record<C, CatalogueEntry<K>>;
  for (const code of Object.keys(specs) as C[]) out[code] = { code, kind, ...specs[code] };
  return out;
}

/** A number in the language's style: "1.036.609,5" in Vietnamese, "1,036,609.5" in English. */
export function num(value: ParamValue | undefined, lang: Lang, maxDecimals = 2): string {
  if (typeof value !== 'number') return shown(value, lang) ?? '';
  return lang === 'vi' ? formatNumberVi(value, maxDecimals) : formatNumberEn(value, maxDecimals);
}

/** The parameter as a string ('' when absent), for formats that build on it. */
export function str(value: ParamValue | undefined): string {
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '';
}
