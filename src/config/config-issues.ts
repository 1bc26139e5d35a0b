import type { Document, LineCounter, Node } from 'yaml';
import { isMap, isNode, isPair, isScalar } from 'yaml';

/** One finding about rewind.yaml: `where` is "file:line:col" of the offending node. */
export interface ConfigIssue {
  readonly message: string;
  readonly where: string;
  /** Dotted path of the node, e.g. "apps[0].cluster" ("" for the whole file). */
  readonly path: string;
}

export type ConfigPath = readonly (string | number)[];

export function formatPath(path: ConfigPath): string {
  return path.reduce<string>((acc, p) => (typeof p === 'number' ? `${acc}[${p}]` : acc ? `${acc}.${p}` : p), '');
}

/** Turns YAML node offsets into "file:line:col" for a parsed document. */
export class Locator {
  readonly #file: string;
  readonly #doc: Document;
  readonly #lines: LineCounter;

  constructor(file: string, doc: Document, lines: LineCounter) {
    this.#file = file;
    this.#doc = doc;
    this.#lines = lines;
  }

  at(offset: number | undefined): string {
    if (offset === undefined) return `${this.#file}:1:1`;
    const { line, col } = this.#lines.linePos(offset);
    return `${this.#file}:${line}:${col}`;
  }

  /** Where the node at `path` starts; `key: true` points at the key instead of the value. */
  where(path: ConfigPath, opts: { key?: boolean } = {}): string {
    if (opts.key && path.length > 0) {
      const parent = this.#doc.getIn(path.slice(0, -1), true);
      if (isMap(parent)) {
        const pair = parent.items.find((p) => isPair(p) && isScalar(p.key) && p.key.value === path.at(-1));
        if (pair && isNode(pair.key)) return this.at((pair.key as Node).range?.[0]);
      }
    }
    for (let n = path.length; n >= 0; n--) {
      const node = n === 0 ? this.#doc.contents : this.#doc.getIn(path.slice(0, n), true);
      if (isNode(node)) return this.at(node.range?.[0]);
    }
    return this.at(undefined);
  }

  issue(path: ConfigPath, message: string, opts: { key?: boolean } = {}): ConfigIssue {
    return { message, where: this.where(path, opts), path: formatPath(path) };
  }
}
