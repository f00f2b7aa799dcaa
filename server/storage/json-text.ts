/**
 * `JSON.stringify` typed as it behaves: `undefined` for a value JSON cannot hold (undefined, a
 * function, a symbol). The library's type says `string`, which would hide those cases.
 */
export const jsonText = JSON.stringify as (value: unknown) => string | undefined;
