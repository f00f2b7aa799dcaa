/**
 * An Office.js enum value as Office.js itself accepts it: the member or its string
 * (`Excel.SheetVisibility.hidden` or 'Hidden'). Strings are what we write — the `Excel`
 * enums exist only inside Office — and typing them so keeps their enum in view, for the
 * type checker and for the ExcelApi check (test/addin/excel-api-usage.ts).
 */
export type EnumValue<E extends string> = E | `${E}`;
