/**
 * Event patterns in EventBridge's syntax (which Lambda's event-source-mapping filters also use), matched
 * the way EventBridge sees an event: a tree whose leaves are the primitive values; an array in the event
 * matches when any element does. Used by the sandbox's event source mapping and by the runtime's
 * `PLLDB_ROUTE_FILTER`. Operators as listed on EventBridge's "Comparison operators for use in event
 * patterns" page (eb-create-pattern-operators):
 *
 * - A pattern key whose value is an object descends into the event; keys in one pattern are ANDed.
 *   `"$or": [pattern, ...]` matches when any of its patterns does.
 * - A pattern key whose value is an array is a list of rules for that leaf, ORed:
 *   a string, number, boolean or null (exact match, type included: `"200"` never equals `200`),
 *   `{"exists": true|false}` (leaf present or not; an object is not a leaf, so `exists` on an
 *   intermediate node never sees it), `{"prefix": s}`, `{"suffix": s}` (either also as
 *   `{"equals-ignore-case": s}`), `{"equals-ignore-case": s}`, `{"wildcard": "a*b"}`,
 *   `{"anything-but": v | [v...] | {"prefix"|"suffix"|"equals-ignore-case"|"wildcard": s | [s...]}}`
 *   (needs the leaf to be present), `{"numeric": [op, n, (op, n)]}` (numbers only, so DynamoDB's string
 *   `N` values never match).
 * - A list of patterns matches when any pattern does.
 *
 * A pattern is checked whole when compiled, so a bad rule deep in a branch fails at once.
 * Not modelled: array consistency across keys of one array element, `cidr`.
 */

export type FilterPattern = { readonly [key: string]: unknown };

/** A pattern that EventBridge (or Lambda) would refuse; the message says what to change. */
export class FilterPatternError extends Error {
  override readonly name = 'FilterPatternError';
}

/** A compiled pattern: true when the event (already parsed from JSON) matches. */
export type EventMatcher = (event: unknown) => boolean;

/** True when the record matches the pattern (an object, or its JSON string as `Filters[].Pattern`). */
export function matchesFilter(pattern: FilterPattern | string, record: unknown): boolean {
  return compileEventPattern(pattern)(record);
}

/** True when the record matches at least one of the patterns (OR across filters). */
export function matchesAnyFilter(patterns: readonly (FilterPattern | string)[], record: unknown): boolean {
  return patterns.some((pattern) => matchesFilter(pattern, record));
}

/** Parses a pattern's JSON text; throws FilterPatternError when it is not a JSON object. */
export function parseFilterPattern(text: string): FilterPattern {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new FilterPatternError(`filter pattern is not JSON: ${JSON.stringify(text.slice(0, 80))}`);
  }
  if (!isObject(value)) throw new FilterPatternError('filter pattern must be a JSON object such as {"detail":{"type":["order"]}}');
  return value;
}

/** Checks the whole pattern and returns its matcher; throws FilterPatternError saying what is wrong. */
export function compileEventPattern(pattern: FilterPattern | string): EventMatcher {
  const match = compileObject(typeof pattern === 'string' ? parseFilterPattern(pattern) : pattern, '');
  return (event) => match(event);
}

type Leaf = string | number | boolean | null;
type Op = '=' | '<' | '<=' | '>' | '>=';
type LeafTest = (values: Leaf[]) => boolean;
type NodeTest = (value: unknown) => boolean;
const NUMERIC_OPS: Record<Op, (a: number, b: number) => boolean> = {
  '=': (a, b) => a === b,
  '<': (a, b) => a < b,
  '<=': (a, b) => a <= b,
  '>': (a, b) => a > b,
  '>=': (a, b) => a >= b,
};

function compileObject(pattern: FilterPattern, path: string): NodeTest {
  const tests = Object.entries(pattern).map(([key, rule]): NodeTest => {
    const at = `${path}${path ? '.' : ''}${key}`;
    if (key === '$or') return compileOr(rule, at);
    if (Array.isArray(rule)) {
      const test = compileLeafRules(rule, at);
      return (value) => test(childValues(value, key).flatMap(leaves));
    }
    if (isObject(rule)) {
      const sub = compileObject(rule, at);
      return (value) => {
        const child = childValues(value, key);
        // A missing branch still matches a sub-pattern made only of `exists: false`.
        return child.length === 0 ? sub(undefined) : child.some(sub);
      };
    }
    throw new FilterPatternError(`filter pattern at "${at}" must be an array of rules or an object, e.g. "${key}": ["value"]`);
  });
  return (value) => tests.every((test) => test(value));
}

function compileOr(rule: unknown, at: string): NodeTest {
  if (!Array.isArray(rule) || rule.length < 2 || !rule.every(isObject)) {
    throw new FilterPatternError(`"$or" at "${at}" takes a list of at least two patterns, e.g. "$or": [{"a": [1]}, {"b": [2]}]`);
  }
  const alternatives = rule.map((p, i) => compileObject(p, `${at}[${i}]`));
  return (value) => alternatives.some((test) => test(value));
}

/** The values found under `key`, looking through arrays of objects. */
function childValues(value: unknown, key: string): unknown[] {
  if (Array.isArray(value)) return value.flatMap((v) => childValues(v, key));
  if (isObject(value) && Object.hasOwn(value, key)) {
    const child = value[key];
    return Array.isArray(child) ? child : [child];
  }
  return [];
}

function leaves(value: unknown): Leaf[] {
  if (Array.isArray(value)) return value.flatMap(leaves);
  if (value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return [value];
  return [];
}

function compileLeafRules(rules: unknown[], at: string): LeafTest {
  if (rules.length === 0) throw new FilterPatternError(`filter pattern at "${at}" has an empty rule list; give at least one value or operator`);
  const tests = rules.map((rule) => compileRule(rule, at));
  return (values) => tests.some((test) => test(values));
}

function compileRule(rule: unknown, at: string): LeafTest {
  if (!isObject(rule)) {
    if (Array.isArray(rule)) throw new FilterPatternError(`filter pattern at "${at}" nests an array in a rule list`);
    return (values) => values.some((v) => v === rule);
  }
  const [operator, operand] = singleEntry(rule, `filter rule at "${at}" must have exactly one operator, got ${JSON.stringify(rule)}`);
  switch (operator) {
    case 'exists': {
      if (typeof operand !== 'boolean') throw new FilterPatternError(`"exists" at "${at}" takes true or false`);
      return (values) => (operand ? values.length > 0 : values.length === 0);
    }
    case 'numeric': {
      const conditions = numericConditions(operand, at);
      return (values) => values.some((v) => typeof v === 'number' && conditions.every(([op, n]) => NUMERIC_OPS[op](v, n)));
    }
    case 'anything-but': {
      const excluded = compileExclusion(operand, at);
      return (values) => values.some((v) => !excluded(v));
    }
    default: {
      const test = stringTest(operator, operand, at);
      return (values) => values.some((v) => typeof v === 'string' && test(v));
    }
  }
}

/** prefix, suffix, equals-ignore-case and wildcard: a test on one string leaf. */
function stringTest(operator: string, operand: unknown, at: string): (s: string) => boolean {
  switch (operator) {
    case 'prefix':
    case 'suffix': {
      const { text, ignoreCase } = affixOperand(operator, operand, at);
      const fold = (s: string) => (ignoreCase ? s.toLowerCase() : s);
      return operator === 'prefix' ? (s) => fold(s).startsWith(text) : (s) => fold(s).endsWith(text);
    }
    case 'equals-ignore-case': {
      const text = stringOperand(operator, operand, at).toLowerCase();
      return (s) => s.toLowerCase() === text;
    }
    case 'wildcard': {
      const regex = wildcardRegex(stringOperand(operator, operand, at));
      return (s) => regex.test(s);
    }
    default:
      throw new FilterPatternError(
        `filter operator "${operator}" at "${at}" is not supported here; use exists, prefix, suffix, equals-ignore-case, wildcard, anything-but or numeric`,
      );
  }
}

/** `{"prefix": "us-"}` or `{"prefix": {"equals-ignore-case": "US-"}}`. */
function affixOperand(operator: string, operand: unknown, at: string): { text: string; ignoreCase: boolean } {
  if (isObject(operand)) {
    const [kind, text] = singleEntry(operand, `"${operator}" at "${at}" takes a string or {"equals-ignore-case": string}`);
    if (kind !== 'equals-ignore-case') throw new FilterPatternError(`"${operator}" at "${at}" takes a string or {"equals-ignore-case": string}`);
    return { text: stringOperand(operator, text, at).toLowerCase(), ignoreCase: true };
  }
  return { text: stringOperand(operator, operand, at), ignoreCase: false };
}

/** The test for values `anything-but` excludes. */
function compileExclusion(operand: unknown, at: string): (value: Leaf) => boolean {
  const usage = `"anything-but" at "${at}" takes a value, a list of values, or {"prefix"|"suffix"|"equals-ignore-case"|"wildcard": string or list}`;
  if (isObject(operand)) {
    const [kind, inner] = singleEntry(operand, usage);
    if (!['prefix', 'suffix', 'equals-ignore-case', 'wildcard'].includes(kind)) throw new FilterPatternError(usage);
    const tests = (Array.isArray(inner) ? inner : [inner]).map((text) => stringTest(kind, stringOperand(kind, text, at), at));
    if (tests.length === 0) throw new FilterPatternError(usage);
    return (value) => typeof value === 'string' && tests.some((test) => test(value));
  }
  const excluded = Array.isArray(operand) ? operand : [operand];
  if (excluded.length === 0 || excluded.some((e) => typeof e !== 'string' && typeof e !== 'number')) {
    throw new FilterPatternError(`"anything-but" at "${at}" takes strings or numbers, e.g. {"anything-but": ["DELIVERED"]}`);
  }
  return (value) => excluded.includes(value as string | number);
}

function numericConditions(operand: unknown, at: string): [Op, number][] {
  const list = Array.isArray(operand) ? operand : [];
  const conditions: [Op, number][] = [];
  for (let i = 0; i + 1 < list.length; i += 2) {
    const op = list[i] as unknown;
    const n = list[i + 1] as unknown;
    if (typeof op !== 'string' || !(op in NUMERIC_OPS) || typeof n !== 'number') break;
    conditions.push([op as Op, n]);
  }
  if (conditions.length === 0 || conditions.length > 2 || conditions.length * 2 !== list.length) {
    throw new FilterPatternError(`"numeric" at "${at}" takes one or two [operator, number] pairs, e.g. {"numeric": [">", 0, "<=", 5]}`);
  }
  return conditions;
}

/** `*` matches any run of characters; every other character is literal. */
function wildcardRegex(text: string): RegExp {
  const escaped = text.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${escaped.join('[\\s\\S]*')}$`);
}

function singleEntry(rule: Record<string, unknown>, message: string): [string, unknown] {
  const entries = Object.entries(rule);
  const first = entries[0];
  if (entries.length !== 1 || first === undefined) throw new FilterPatternError(message);
  return first;
}

function stringOperand(operator: string, operand: unknown, at: string): string {
  if (typeof operand !== 'string') throw new FilterPatternError(`"${operator}" at "${at}" takes a string`);
  return operand;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
