import { z } from 'zod';
import { Agency, AgencyRegisterFile } from '../schema/agency';
import type { Agency as AgencyT } from '../schema/agency';
import { foldVietnamese, normalizeText } from '../text';

/**
 * The agency register: who exists when, who succeeded whom, and how the names written
 * in plan tables ("Sở LĐTBXH", "UBND quận, huyện, thị xã") map to ids.
 */
export interface AgencyRegister {
  readonly agencies: readonly AgencyT[];
  get(id: string): AgencyT | undefined;
  has(id: string): boolean;
  /**
   * Resolves a cell such as "Sở KHĐT, Sở Tài chính; UBND quận, huyện, thị xã" to ids. With
   * `city`, only that city's agencies match: "Sở Y tế" is a different agency in Hà Nội and
   * in Hải Phòng.
   */
  resolveNames(text: string, city?: string): NameResolution;
  /** Was the agency in existence on this date (YYYY-MM-DD)? */
  isActiveOn(id: string, date: string): boolean;
  /** Concrete agencies a group stands for on a date; a concrete agency stands for itself. */
  expand(id: string, date: string): string[];
  /**
   * Who is responsible on `date` for work that `id` held, following successors. A split
   * is followed by the policy field; with no field match the default successor takes it.
   */
  responsibleOn(id: string, date: string, field?: string): Responsibility;
  /** True when `a` and `b` are the same agency or one descends from the other. */
  sameLineage(a: string, b: string): boolean;
}

export interface NameResolution {
  ids: string[];
  /** Fragments no alias matched; the caller must decide, never guess. */
  unresolved: string[];
}

export type Responsibility =
  | { kind: 'agency'; id: string; via: string[] }
  | { kind: 'unresolved'; reason: 'unknown-agency' | 'no-successor' | 'ambiguous-successor'; from: string; candidates: string[] };

export function createRegister(file: unknown, extraAgencies: readonly unknown[] = []): AgencyRegister {
  const parsed = AgencyRegisterFile.parse(file);
  const extra = z.array(Agency).parse(extraAgencies);
  const agencies = mergeById([...parsed.agencies, ...extra]);
  const index: AgencyIndex = { agencies, byId: new Map(agencies.map((a) => [a.id, a])) };
  const aliasIndex = buildAliasIndex(agencies);
  const links = linksOf(agencies);
  const expandMemo = new Map<string, readonly string[]>();

  return {
    agencies,
    get: (id) => index.byId.get(id),
    has: (id) => index.byId.has(id),
    resolveNames: (text, city) => resolveNames(text, city === undefined ? aliasIndex : aliasIndex.filter((e) => e.city === city)),
    isActiveOn: (id, date) => isActiveOn(index, id, date),
    expand(id, date) {
      const key = `${id}|${date}`;
      const cached = expandMemo.get(key);
      if (cached) return [...cached];
      const result = expand(index, id, date);
      if (expandMemo.size > 10_000) expandMemo.clear();
      expandMemo.set(key, result);
      return [...result];
    },
    responsibleOn: (id, date, field) => responsibleOn(index, id, date, field),
    sameLineage(a, b) {
      if (a === b) return true;
      const down = lineage(a, (x) => links.successorsOf.get(x) ?? []);
      if (down.has(b)) return true;
      const up = lineage(a, (x) => links.predecessorsOf.get(x) ?? []);
      return up.has(b);
    },
  };
}

/** The agencies, and each by its id. */
interface AgencyIndex {
  agencies: readonly AgencyT[];
  byId: ReadonlyMap<string, AgencyT>;
}

/**
 * Both directions of every link, whichever side records it: a district names its successor
 * group, an imported commune names its predecessor districts.
 */
function linksOf(agencies: readonly AgencyT[]): { predecessorsOf: Map<string, string[]>; successorsOf: Map<string, string[]> } {
  const predecessorsOf = new Map<string, string[]>();
  const successorsOf = new Map<string, string[]>();
  const link = (from: string, to: string) => {
    successorsOf.set(from, [...(successorsOf.get(from) ?? []), to]);
    predecessorsOf.set(to, [...(predecessorsOf.get(to) ?? []), from]);
  };
  for (const agency of agencies) {
    for (const s of agency.successors) link(agency.id, s.id);
    for (const p of agency.predecessors) link(p, agency.id);
  }
  return { predecessorsOf, successorsOf };
}

function isActiveOn(index: AgencyIndex, id: string, date: string): boolean {
  const a = index.byId.get(id);
  if (!a) return false;
  return (!a.validFrom || a.validFrom <= date) && (!a.validTo || date <= a.validTo);
}

/** Follows successors from `id` until one is in charge on `date` (at most 16 hops). */
function responsibleOn(index: AgencyIndex, id: string, date: string, field?: string): Responsibility {
  const via: string[] = [];
  let current = id;
  for (let hops = 0; hops < 16; hops++) {
    const agency = index.byId.get(current);
    if (!agency) return { kind: 'unresolved', reason: 'unknown-agency', from: current, candidates: [] };
    if (isActiveOn(index, current, date) || !agency.validTo || date < (agency.validFrom ?? '')) {
      return { kind: 'agency', id: current, via };
    }
    const byField = field ? agency.successors.filter((s) => s.fields?.includes(field)) : [];
    const defaults = agency.successors.filter((s) => s.default);
    const pick = byField.length > 0 ? byField : defaults.length > 0 ? defaults : agency.successors;
    const successor = pick[0];
    if (successor === undefined) return { kind: 'unresolved', reason: 'no-successor', from: current, candidates: [] };
    if (pick.length > 1) {
      return { kind: 'unresolved', reason: 'ambiguous-successor', from: current, candidates: pick.map((s) => s.id) };
    }
    via.push(current);
    current = successor.id;
  }
  return { kind: 'unresolved', reason: 'no-successor', from: current, candidates: [] };
}

/** `id` and everything reachable from it by `next`. */
function lineage(id: string, next: (x: string) => string[]): Set<string> {
  const seen = new Set<string>([id]);
  const queue = [id];
  for (let item = queue.shift(); item !== undefined; item = queue.shift()) {
    for (const n of next(item)) {
      if (!seen.has(n)) {
        seen.add(n);
        queue.push(n);
      }
    }
  }
  return seen;
}

/** The concrete agencies `id` stands for on `date` (uncached; the register memoizes it). */
function expand(index: AgencyIndex, id: string, date: string): string[] {
  let agency = index.byId.get(id);
  if (!agency) return [];
  if (agency.kind === 'group' && !isActiveOn(index, agency.id, date)) {
    // "UBND quận, huyện, thị xã" after 1 July 2025 means the communes that took over.
    const next = responsibleOn(index, agency.id, date);
    agency = next.kind === 'agency' ? index.byId.get(next.id) : undefined;
    if (!agency) return [];
  }
  if (agency.kind !== 'group' || !agency.members) return [agency.id];
  const members = agency.members;
  // A group stands for its own city's agencies: Hà Nội's districts are not Hải Phòng's.
  const city = agency.city;
  const candidates = members.ids ?? index.agencies.filter((a) => a.kind === members.kind && a.city === city).map((a) => a.id);
  return candidates.filter((m) => isActiveOn(index, m, date));
}

function mergeById(agencies: AgencyT[]): AgencyT[] {
  const map = new Map<string, AgencyT>();
  for (const a of agencies) map.set(a.id, a);
  return [...map.values()];
}

interface AliasEntry {
  folded: string;
  id: string;
  city: string;
}

/** Folded for matching: no diacritics, one space, no spaces around dashes. */
function foldName(text: string): string {
  return foldVietnamese(text)
    .replace(/\s*-\s*/g, '-')
    .replace(/\s*&\s*/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
}

function buildAliasIndex(agencies: readonly AgencyT[]): AliasEntry[] {
  const entries: AliasEntry[] = [];
  for (const a of agencies) {
    for (const name of [a.name, ...a.aliases]) entries.push({ folded: foldName(name), id: a.id, city: a.city });
  }
  // Longest first, so "Sở Tài nguyên và Môi trường" wins over "Sở Tài chính"-like prefixes.
  return entries.sort((x, y) => y.folded.length - x.folded.length);
}

const SEPARATORS = /^[\s;,.:]+|^(va|cac so|cac so:|cac)(?=[\s:,;])[\s:]*/;

function resolveNames(text: string, index: readonly AliasEntry[]): NameResolution {
  const ids: string[] = [];
  const unresolved: string[] = [];
  const original = normalizeText(text);
  let rest = foldName(original);
  let guard = 0;
  while (rest.length > 0 && guard++ < 200) {
    const hit = index.find((e) => rest.startsWith(e.folded) && !/[a-z0-9]/.test(rest.charAt(e.folded.length)));
    if (hit) {
      if (!ids.includes(hit.id)) ids.push(hit.id);
      rest = rest.slice(hit.folded.length);
      continue;
    }
    const sep = SEPARATORS.exec(rest);
    if (sep && sep[0].length > 0) {
      rest = rest.slice(sep[0].length);
      continue;
    }
    const end = rest.search(/[;,]/);
    const fragment = end === -1 ? rest : rest.slice(0, end);
    if (fragment.trim()) unresolved.push(fragment.trim());
    rest = end === -1 ? '' : rest.slice(end);
  }
  return { ids, unresolved };
}
