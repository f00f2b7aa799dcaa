import type { KeyValueStorage } from '../../addin/src/i18n';

/** The add-in's storage (Office's roaming settings or localStorage) in a Map, for tests of the pane. */
export class MapStorage implements KeyValueStorage {
  readonly map = new Map<string, string>();
  getItem(key: string) {
    return this.map.get(key) ?? null;
  }
  setItem(key: string, value: string) {
    this.map.set(key, value);
  }
  removeItem(key: string) {
    this.map.delete(key);
  }
}
