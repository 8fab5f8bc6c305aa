import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** What the app's source says about one `new NodejsFunction(scope, id, props)`. */
export interface NodejsFunctionSite {
  id: string;
  /** The file the construct is created in (CDK's default entry is derived from it). */
  file: string;
  /** Absolute entry file, when it could be read from the source; undefined with `entryProblem` otherwise. */
  entry?: string;
  entryProblem?: string;
}

const SKIP = new Set(['node_modules', 'cdk.out', '.git', 'dist', 'build', 'coverage', '.aws-sam']);
const SOURCE = /\.(ts|mts|cts|js|mjs|cjs)$/;

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) {
      if (!SKIP.has(entry.name) && !entry.name.startsWith('.')) out.push(...sourceFiles(join(dir, entry.name)));
    } else if (SOURCE.test(entry.name) && !entry.name.endsWith('.d.ts')) {
      out.push(join(dir, entry.name));
    }
  }
  return out;
}

/** The text from `open` (an opening bracket) to its matching close, strings skipped. */
function balanced(text: string, open: number): string {
  let depth = 0;
  let quote = '';
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = '';
    } else if (c === '"' || c === "'" || c === '`') quote = c;
    else if (c === '(' || c === '{' || c === '[') depth++;
    else if (c === ')' || c === '}' || c === ']') {
      depth--;
      if (depth === 0) return text.slice(open, i + 1);
    }
  }
  return text.slice(open);
}

/** The value expression of `key:` at the top level of an object literal's text. */
function propertyExpression(objectText: string, key: string): string | undefined {
  const match = new RegExp(`[{,\\s]${key}\\s*:\\s*`).exec(objectText);
  if (!match) return undefined;
  let i = match.index + match[0].length;
  const start = i;
  for (; i < objectText.length; i++) {
    const c = objectText[i] as string;
    if (c === '(' || c === '{' || c === '[' || c === '"' || c === "'" || c === '`') {
      i += balanced(objectText, i).length - 1;
    } else if (c === ',' || c === '}') break;
  }
  return objectText.slice(start, i).trim();
}

const LITERAL = /^(['"`])([^'"`$]*)\1$/;
const DIRNAME = /^(__dirname|import\.meta\.dirname)$/;

/**
 * Evaluates the usual ways of writing an entry path: a literal (relative to the app folder, where
 * CDK runs the app), path.join/resolve of __dirname and literals, new URL(literal, import.meta.url),
 * and `${__dirname}/...`. Anything else is computed and left to plldb.config.json.
 */
export function evaluatePath(expression: string, file: string, appDir: string): string | undefined {
  const literal = LITERAL.exec(expression);
  if (literal) return resolve(appDir, literal[2] as string);
  const call = /^(?:path\.)?(join|resolve)\(([\s\S]*)\)$/.exec(expression);
  if (call) {
    const args = (call[2] as string).split(',').map((a) => a.trim()).filter(Boolean);
    const parts: string[] = [];
    for (const [index, arg] of args.entries()) {
      if (index === 0 && DIRNAME.test(arg)) parts.push(dirname(file));
      else {
        const lit = LITERAL.exec(arg);
        if (!lit) return undefined;
        parts.push(lit[2] as string);
      }
    }
    return DIRNAME.test(args[0] ?? '') ? join(...parts) : resolve(appDir, ...parts);
  }
  const url = /^(?:(?:url\.)?fileURLToPath\()?new URL\((['"`])([^'"`$]*)\1\s*,\s*import\.meta\.url\)\)?$/.exec(expression);
  if (url) return resolve(dirname(file), url[2] as string);
  const template = /^`\$\{(__dirname|import\.meta\.dirname)\}([^`$]*)`$/.exec(expression);
  if (template) return join(dirname(file), template[2] as string);
  return undefined;
}

/** CDK's default entry: `<defining file without extension>.<construct id>.ts`, else `.js`. */
function defaultEntry(file: string, id: string): string | undefined {
  const base = file.replace(/\.(ts|mts|cts|js|mjs|cjs)$/, '');
  return [`${base}.${id}.ts`, `${base}.${id}.js`].find((candidate) => existsSync(candidate));
}

/** Every `new NodejsFunction(scope, 'Id', {...})` in the app's source files. */
export function scanNodejsFunctions(appDir: string): NodejsFunctionSite[] {
  const sites: NodejsFunctionSite[] = [];
  for (const file of sourceFiles(appDir)) {
    const text = readFileSync(file, 'utf8');
    if (!text.includes('NodejsFunction')) continue;
    const constructor = /new\s+(?:[\w$]+\.)*NodejsFunction\s*\(/g;
    for (let m = constructor.exec(text); m; m = constructor.exec(text)) {
      const args = balanced(text, m.index + m[0].length - 1);
      const idMatch = /^\(\s*[\w$.]+\s*,\s*(['"`])([^'"`$]+)\1\s*(,\s*)?/.exec(args);
      if (!idMatch) continue;
      const id = idMatch[2] as string;
      const propsStart = args.indexOf('{', idMatch[0].length - 1);
      const props = propsStart >= 0 && idMatch[3] ? balanced(args, propsStart) : '';
      const expression = props ? propertyExpression(props, 'entry') : undefined;
      if (expression === undefined) {
        const entry = defaultEntry(file, id);
        sites.push(entry ? { id, file, entry } : { id, file, entryProblem: `no entry given and the default entry ${file.replace(/\.\w+$/, '')}.${id}.ts does not exist` });
      } else {
        const entry = evaluatePath(expression, file, appDir);
        sites.push(entry ? { id, file, entry } : { id, file, entryProblem: `its entry is computed (${expression}) in ${file}` });
      }
    }
  }
  return sites;
}
