import type { WireItem } from './stream-record.js';

/** Images kept at most: the items being written now (a few per running invocation), not the table. */
const DEFAULT_LIMIT = 256;

/**
 * The latest image of items the DynamoDB front wrote itself (read back after each captured write,
 * while the item's key is still locked), so that the next write to the same item knows its before
 * image without reading it first. `undefined` as a value means the item is known not to exist.
 */
export class ItemImages {
  private readonly images = new Map<string, WireItem | undefined>();

  constructor(private readonly limit = DEFAULT_LIMIT) {}

  /** The known images of all the keys, or undefined when any of them is not known. */
  all(keys: readonly string[]): (WireItem | undefined)[] | undefined {
    if (!keys.every((key) => this.images.has(key))) return undefined;
    return keys.map((key) => this.images.get(key));
  }

  set(key: string, image: WireItem | undefined): void {
    this.images.delete(key);
    this.images.set(key, image);
    for (const oldest of this.images.keys()) {
      if (this.images.size <= this.limit) break;
      this.images.delete(oldest);
    }
  }

  forget(keys: readonly string[]): void {
    for (const key of keys) this.images.delete(key);
  }

  clear(): void {
    this.images.clear();
  }
}
