/**
 * Reading a plan written as prose (Hải Phòng 113/KH-UBND): numbered headings, paragraphs
 * broken across page breaks, and the sentences of a paragraph. Used by the generators in
 * this folder; the catalog tests read the seed with their own code.
 */
import { stripMarkup } from '../../shared/text';

export interface NumberedPart {
  /** "1", "12" */
  number: string;
  /** The heading after the number, markup stripped. */
  heading: string;
  /** Its paragraphs, page breaks mended. */
  paragraphs: string[];
}

/** Index of the first line containing `needle` at or after `from`; throws when there is none. */
export function lineIndex(lines: readonly string[], needle: string, from = 0): number {
  const at = lines.findIndex((line, i) => i >= from && line.includes(needle));
  if (at === -1) throw new Error(`seed: no line containing "${needle}"`);
  return at;
}

/**
 * Paragraphs of some lines: blank lines separate them, except where a page break cut one
 * in two, which shows as a paragraph that does not end a sentence (no final . ; : …) or
 * one that starts in lower case.
 */
export function paragraphs(lines: readonly string[]): string[] {
  const out: string[] = [];
  for (const raw of lines) {
    const line = stripMarkup(raw);
    if (!line) continue;
    const last = out.at(-1);
    if (last !== undefined && (!/[.;:…!?]$/.test(last) || /^\p{Ll}/u.test(line))) out[out.length - 1] = `${last} ${line}`;
    else out.push(line);
  }
  return out;
}

const HEADING = /^#+\s*(?:\*\*)?\s*(\d+)\.\s*(.+?)\s*$/;

/** The numbered parts ("1. Sở …") between two lines, each with its paragraphs. */
export function numberedParts(lines: readonly string[], from: number, to: number): NumberedPart[] {
  const parts: Array<{ number: string; heading: string; lines: string[] }> = [];
  for (const line of lines.slice(from + 1, to)) {
    const m = HEADING.exec(line.trim());
    if (m?.[1] !== undefined && m[2] !== undefined) parts.push({ number: m[1], heading: stripMarkup(m[2]), lines: [] });
    else if (line.trim()) {
      const current = parts.at(-1);
      if (!current) throw new Error(`seed: text before the first numbered heading: "${line.trim()}"`);
      current.lines.push(line);
    }
  }
  return parts.map((p) => ({ number: p.number, heading: p.heading, paragraphs: paragraphs(p.lines) }));
}

/**
 * The assignments of a paragraph: its sentences, and inside a sentence a clause that opens
 * with a new role ("…; Phối hợp với …", "…; Chủ trì …"), which assigns separate work.
 * Joined with single spaces they give the paragraph back.
 */
export function assignments(paragraph: string): string[] {
  return paragraph
    .split(/(?<=\.)\s+(?=\p{Lu})/u)
    .flatMap((sentence) => sentence.split(/(?<=;)\s+(?=(?:Chủ trì|Phối hợp)(?![\p{L}]))/u))
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}
