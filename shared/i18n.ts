/** A message in both languages the product speaks. Vietnamese first: it is the users' language. */
export interface Text {
  vi: string;
  en: string;
}

export const text = (vi: string, en: string): Text => ({ vi, en });

/**
 * A message built on first read. Evaluation explains every verdict, but most
 * explanations are never shown; building them lazily keeps validation of 100,000 values
 * fast. It reads, compares and serialises like a plain { vi, en } object.
 */
export function lazyText(build: () => Text): Text {
  let cached: Text | undefined;
  const get = (): Text => (cached ??= build());
  return Object.defineProperties({} as Text, {
    vi: { get: () => get().vi, enumerable: true },
    en: { get: () => get().en, enumerable: true },
  });
}
