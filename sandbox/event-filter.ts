/**
 * Lambda event filtering (event source mapping `FilterCriteria`), as the sandbox's event source
 * mapping applies it. Follows the rules of Lambda's filter syntax the way its matcher sees a record:
 * the record is a tree whose leaves are the primitive values; an array in the record matches when
 * any element does.
 *
 * - A pattern key whose value is an object descends into the record; keys in one pattern are ANDed.
 * - A pattern key whose value is an array is a list of rules for that leaf, ORed:
 *   a string, number, boolean or null (exact match, type included: `"200"` never equals `200`),
 *   `{"exists": true|false}` (leaf present or not; an object is not a leaf, so `exists` on an
 *   intermediate node never sees it), `{"prefix": s}`, `{"suffix": s}`, `{"equals-ignore-case": s}`,
 *   `{"anything-but": v | [v...] | {"prefix": s} | {"suffix": s}}` (needs the leaf to be present),
 *   `{"numeric": [op, n, (op, n)]}` (numbers only, so DynamoDB's string `N` values never match).
 * - A list of patterns matches when any pattern does.
 *
 * Not modelled: array consistency across keys of one array element, `$or`, `wildcard`, `cidr`.
 */

export type FilterPattern = { readonly [key: string]: unknown };

/** A pattern that Lambda would refuse; the message says what to change. */
export class FilterPatternError extends Error {
  override readonly name = 'FilterPatternError';
}

/** True when the record matches the pattern (an object, or its JSON string as `Filters[].Pattern`). */
export function matchesFilter(pattern: FilterPattern | string, record: unknown): boolean {
  return matchObject(typeof pattern === 'string' ? parseFilterPattern(pattern) : pattern, record, '');
}

/** True when the record matches at least one of the patterns (OR across filters). */
export function matchesAnyFilter(patterns: readonly (FilterPattern | string)[], record: unknown): boolean {
  return patterns.some((pattern) => matchesFilter(pattern, record));
}

/** Parses a `Filters[].Pattern` string; throws FilterPatternError when it is not a JSON object. */
export function parseFilterPattern(text: string): FilterPattern {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new FilterPatternError(`filter pattern is not JSON: ${JSON.stringify(text.slice(0, 80))}`);
  }
  if (!isObject(value)) throw new FilterPatternError('filter pattern must be a JSON object such as {"dynamodb":{"NewImage":{...}}}');
  return value;
}

type Leaf = string | number | boolean | null;
type Op = '=' | '<' | '<=' | '>' | '>=';
const NUMERIC_OPS: Record<Op, (a: number, b: number) => boolean> = {
  '=': (a, b) => a === b,
  '<': (a, b) => a < b,
  '<=': (a, b) => a <= b,
  '>': (a, b) => a > b,
  '>=': (a, b) => a >= b,
};

function matchObject(pattern: FilterPattern, value: unknown, path: string): boolean {
  return Object.entries(pattern).every(([key, rule]) => {
    const at = `${path}${path ? '.' : ''}${key}`;
    const child = childValues(value, key);
    if (Array.isArray(rule)) return matchLeafRules(rule, child.flatMap(leaves), at);
    if (isObject(rule)) {
      // A missing branch still matches a sub-pattern made only of `exists: false`.
      return child.length === 0 ? matchObject(rule, undefined, at) : child.some((v) => matchObject(rule, v, at));
    }
    throw new FilterPatternError(`filter pattern at "${at}" must be an array of rules or an object, e.g. "${key}": ["value"]`);
  });
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

function matchLeafRules(rules: unknown[], values: Leaf[], at: string): boolean {
  if (rules.length === 0) throw new FilterPatternError(`filter pattern at "${at}" has an empty rule list; give at least one value or operator`);
  return rules.some((rule) => matchRule(rule, values, at));
}

function matchRule(rule: unknown, values: Leaf[], at: string): boolean {
  if (!isObject(rule)) {
    if (Array.isArray(rule)) throw new FilterPatternError(`filter pattern at "${at}" nests an array in a rule list`);
    return values.some((v) => v === rule);
  }
  const entries = Object.entries(rule);
  const [operator, operand] = entries[0] ?? [];
  if (entries.length !== 1 || operator === undefined) {
    throw new FilterPatternError(`filter rule at "${at}" must have exactly one operator, got ${JSON.stringify(rule)}`);
  }
  switch (operator) {
    case 'exists':
      if (typeof operand !== 'boolean') throw new FilterPatternError(`"exists" at "${at}" takes true or false`);
      return operand ? values.length > 0 : values.length === 0;
    case 'prefix':
      return values.some((v) => typeof v === 'string' && v.startsWith(stringOperand(operator, operand, at)));
    case 'suffix':
      return values.some((v) => typeof v === 'string' && v.endsWith(stringOperand(operator, operand, at)));
    case 'equals-ignore-case': {
      const s = stringOperand(operator, operand, at).toLowerCase();
      return values.some((v) => typeof v === 'string' && v.toLowerCase() === s);
    }
    case 'anything-but':
      return values.some((v) => !matchesExcluded(operand, v, at));
    case 'numeric': {
      const conditions = numericConditions(operand, at);
      return values.some((v) => typeof v === 'number' && conditions.every(([op, n]) => NUMERIC_OPS[op](v, n)));
    }
    default:
      throw new FilterPatternError(`filter operator "${operator}" at "${at}" is not supported here; use exists, prefix, suffix, equals-ignore-case, anything-but or numeric`);
  }
}

function matchesExcluded(operand: unknown, value: Leaf, at: string): boolean {
  if (isObject(operand)) {
    const [kind, text] = Object.entries(operand)[0] ?? [];
    if (kind === 'prefix') return typeof value === 'string' && value.startsWith(stringOperand(kind, text, at));
    if (kind === 'suffix') return typeof value === 'string' && value.endsWith(stringOperand(kind, text, at));
    throw new FilterPatternError(`"anything-but" at "${at}" takes a value, a list of values, {"prefix": ...} or {"suffix": ...}`);
  }
  const excluded = Array.isArray(operand) ? operand : [operand];
  if (excluded.length === 0 || excluded.some((e) => typeof e !== 'string' && typeof e !== 'number')) {
    throw new FilterPatternError(`"anything-but" at "${at}" takes strings or numbers, e.g. {"anything-but": ["DELIVERED"]}`);
  }
  return excluded.includes(value as string | number);
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

function stringOperand(operator: string, operand: unknown, at: string): string {
  if (typeof operand !== 'string') throw new FilterPatternError(`"${operator}" at "${at}" takes a string`);
  return operand;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
