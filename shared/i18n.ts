/** A message in both languages the product speaks. Vietnamese first: it is the users' language. */
export interface Text {
  vi: string;
  en: string;
}

export const text = (vi: string, en: string): Text => ({ vi, en });

