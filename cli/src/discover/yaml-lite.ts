/**
 * The YAML that SAM and CloudFormation templates are written in: block mappings and sequences,
 * plain/quoted/block scalars, flow collections, comments, and the short intrinsic tags (`!Ref x`
 * becomes `{ Ref: x }`, `!Sub s` becomes `{ 'Fn::Sub': s }`). Anchors, aliases and multi-document
 * streams are not supported (templates do not use them).
 */
interface Line {
  indent: number;
  text: string;
}

function stripComment(line: string): string {
  let quote = '';
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '#' && (i === 0 || /\s/.test(line[i - 1] as string))) return line.slice(0, i);
  }
  return line;
}

function tagged(tag: string, value: unknown): unknown {
  return { [tag === 'Ref' || tag === 'Condition' ? tag : `Fn::${tag}`]: tag === 'GetAtt' && typeof value === 'string' ? value.split('.') : value };
}

function splitFlow(body: string): string[] {
  const items: string[] = [];
  let depth = 0;
  let quote = '';
  let start = 0;
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '[' || c === '{') depth++;
    else if (c === ']' || c === '}') depth--;
    else if (c === ',' && depth === 0) {
      items.push(body.slice(start, i));
      start = i + 1;
    }
  }
  items.push(body.slice(start));
  return items.map((s) => s.trim()).filter((s) => s !== '');
}

function scalar(text: string): unknown {
  const t = text.trim();
  const tag = /^!(\w+)(?:\s+([\s\S]*))?$/.exec(t);
  if (tag) return tagged(tag[1] as string, scalar(tag[2] ?? ''));
  if (t.startsWith('[') && t.endsWith(']')) return splitFlow(t.slice(1, -1)).map(scalar);
  if (t.startsWith('{') && t.endsWith('}')) {
    return Object.fromEntries(splitFlow(t.slice(1, -1)).map((pair) => {
      const colon = pair.indexOf(':');
      return [String(scalar(pair.slice(0, colon))), scalar(pair.slice(colon + 1))];
    }));
  }
  if (t.startsWith('"') && t.endsWith('"') && t.length > 1) return JSON.parse(t) as string;
  if (t.startsWith("'") && t.endsWith("'") && t.length > 1) return t.slice(1, -1).replace(/''/g, "'");
  if (t === '' || t === '~' || t === 'null') return null;
  if (t === 'true' || t === 'false') return t === 'true';
  if (/^-?\d+(\.\d+)?$/.test(t)) return Number(t);
  return t;
}

/** `key: rest` outside quotes and brackets; undefined when the line is not a mapping entry. */
function splitKey(text: string): [string, string] | undefined {
  const m = /^("[^"]*"|'[^']*'|[^\s'"[{][^:]*?)\s*:(\s+|$)/.exec(text);
  if (!m) return undefined;
  return [String(scalar(m[1] as string)), text.slice(m[0].length)];
}

class Parser {
  private i = 0;
  constructor(private readonly lines: Line[]) {}

  parseBlock(indent: number): unknown {
    const first = this.lines[this.i];
    if (!first || first.indent < indent) return null;
    return first.text.startsWith('- ') || first.text === '-' ? this.parseSequence(first.indent) : this.parseMapping(first.indent);
  }

  private parseValue(rest: string, parentIndent: number): unknown {
    if (rest === '|' || rest === '>' || /^[|>][-+]?$/.test(rest)) return this.blockScalar(parentIndent, rest.startsWith('>'));
    const tagOnly = /^!(\w+)$/.exec(rest);
    if (tagOnly) return tagged(tagOnly[1] as string, this.nested(parentIndent));
    if (rest === '') return this.nested(parentIndent);
    return scalar(rest);
  }

  private nested(parentIndent: number): unknown {
    const next = this.lines[this.i];
    if (!next) return null;
    if (next.indent > parentIndent) return this.parseBlock(next.indent);
    // A sequence may sit at its key's own indentation.
    if (next.indent === parentIndent && next.text.startsWith('-')) return this.parseSequence(parentIndent);
    return null;
  }

  private blockScalar(parentIndent: number, folded: boolean): string {
    const parts: string[] = [];
    while (this.i < this.lines.length && (this.lines[this.i] as Line).indent > parentIndent) parts.push((this.lines[this.i++] as Line).text);
    return parts.join(folded ? ' ' : '\n');
  }

  private parseMapping(indent: number): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    while (this.i < this.lines.length) {
      const line = this.lines[this.i] as Line;
      if (line.indent !== indent || line.text.startsWith('- ')) break;
      const kv = splitKey(line.text);
      if (!kv) throw new Error(`cannot read YAML line "${line.text}"`);
      this.i++;
      out[kv[0]] = this.parseValue(kv[1].trim(), indent);
    }
    return out;
  }

  private parseSequence(indent: number): unknown[] {
    const out: unknown[] = [];
    while (this.i < this.lines.length) {
      const line = this.lines[this.i] as Line;
      if (line.indent !== indent || !(line.text.startsWith('- ') || line.text === '-')) break;
      const rest = line.text.slice(1).trim();
      const itemIndent = indent + (line.text.length - line.text.slice(1).trimStart().length);
      if (rest !== '' && splitKey(rest) && !rest.startsWith('!')) {
        // "- key: value" opens a mapping whose further keys are indented to its first key.
        this.lines[this.i] = { indent: itemIndent, text: rest };
        out.push(this.parseMapping(itemIndent));
      } else {
        this.i++;
        out.push(this.parseValue(rest, indent));
      }
    }
    return out;
  }
}

export function parseYaml(text: string): unknown {
  const lines: Line[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const stripped = stripComment(raw).trimEnd();
    if (stripped.trim() === '' || stripped.trim() === '---') continue;
    lines.push({ indent: stripped.length - stripped.trimStart().length, text: stripped.trim() });
  }
  return new Parser(lines).parseBlock(0);
}
