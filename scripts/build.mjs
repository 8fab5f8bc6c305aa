// `npm run build`: the layer folders, the relay and the stack's handlers, the CLI (see shared/DESIGN.md).
import { build } from 'esbuild';
import { chmodSync, cpSync, mkdirSync, rmSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { NODE_BINARIES, ROOT, strippedNodeBinary } from './node-binaries.mjs';

const dist = join(ROOT, 'dist');
// Lambda runs Node.js 22 or 24; bundles target the older one.
const target = 'node22';

/** Lambda-side bundles: self-contained, minified ESM. */
const lambdaBundles = [
  { entry: 'relay/src/index.ts', out: 'relay/index.mjs' },
  { entry: 'infra/websocket/index.ts', out: 'websocket/index.mjs' },
  { entry: 'infra/sweeper/index.ts', out: 'sweeper/index.mjs' },
];

/** Bundles that run on the developer's machine, next to node_modules. The bin's `node --` keeps Node.js 20
 * from reading an --env-file among plldb's own arguments (`plldb sandbox --env-file FILE`). */
const localBundles = [
  { entry: 'cli/src/main.ts', out: 'cli/plldb.mjs', shebang: true },
  // Loaded by the CLI into each Node.js execution environment (a worker thread), found next to plldb.mjs.
  { entry: 'cli/src/runners/node-worker.ts', out: 'cli/plldb-worker.mjs' },
];

// rxjs resolves to its CommonJS build under platform "node", which esbuild cannot tree-shake
// (about 130 KB more in the layer's bundle); bundle its ES2015 module build instead.
const rxjsDir = dirname(createRequire(import.meta.url).resolve('rxjs/package.json'));
const rxjsEsm = { name: 'rxjs-esm', setup: (b) => b.onResolve({ filter: /^rxjs$/ }, () => ({ path: join(rxjsDir, 'dist', 'esm', 'index.js') })) };

/**
 * Node.js builtins imported by an ES module are loaded through `require` instead: an `import` of a
 * builtin builds its ES module facade by reading every export, which runs the lazy getters (on
 * Node.js 24, `node:http` then loads its bundled undici, about 80 ms; `node:crypto` its Web Crypto).
 * `require` returns the module object, whose getters run only when used.
 */
const builtinNames = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));
const builtinsByRequire = {
  name: 'builtins-by-require',
  setup: (b) => {
    // Static imports only: a dynamic import() needs the named exports of a real ES module namespace.
    b.onResolve({ filter: /^(node:)?[a-z_/]+$/ }, ({ path, kind }) =>
      kind === 'import-statement' && builtinNames.has(path) ? { path: path.replace(/^node:/, ''), namespace: 'builtin-by-require' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'builtin-by-require' }, ({ path }) => ({ contents: `module.exports = require(${JSON.stringify(`node:${path}`)});`, loader: 'js' }));
  },
};

/**
 * PLLDB's own modules do nothing when imported (no top-level calls; main.ts, the entry, aside):
 * saying so lets esbuild leave out of the init path every module it does not use, such as those
 * the protocol's index re-exports, and the Node.js builtins they load.
 */
const ownDirs = ['protocol', 'runtime/src'].map((dir) => `${join(ROOT, dir)}/`);
const isOwn = (path) => ownDirs.some((dir) => path.startsWith(dir));
const resolving = Symbol('own-code-without-side-effects');
const ownCodeWithoutSideEffects = {
  name: 'own-code-without-side-effects',
  setup: (b) => {
    b.onResolve({ filter: /^\./ }, async ({ path, importer, kind, resolveDir, pluginData }) => {
      if (pluginData === resolving || !isOwn(importer)) return undefined;
      const resolved = await b.resolve(path, { importer, kind, resolveDir, pluginData: resolving });
      return resolved.errors.length === 0 && isOwn(resolved.path) ? { path: resolved.path, sideEffects: false } : undefined;
    });
  },
};

const banner = { js: "import { createRequire as __plldbCreateRequire } from 'node:module'; const require = __plldbCreateRequire(import.meta.url);" };

/**
 * The layer's runtime: `plldb/runtime.mjs` and the chunks it imports on first use (the AWS SDK,
 * rxjs), so that start-up parses and runs only the init path; still nothing from node_modules.
 */
const runtimeBundle = {
  entryPoints: { runtime: join(ROOT, 'runtime/src/main.ts') },
  outdir: join(dist, 'layer', 'plldb'),
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  outExtension: { '.js': '.mjs' },
  bundle: true,
  minify: true,
  platform: 'node',
  format: 'esm',
  target,
  banner,
  legalComments: 'none',
  plugins: [rxjsEsm, builtinsByRequire, ownCodeWithoutSideEffects],
  // Code the runtime's clients never run, left out of the layer (about 15 KB zipped): the SDK's
  // browser user-agent parser (the clients use the Node.js one) and its event-stream support
  // (none of DynamoDB, SQS, STS and the API Gateway Management API has an event-stream operation).
  external: ['bowser', '@smithy/core/event-streams'],
  logLevel: 'warning',
};

async function main() {
  rmSync(dist, { recursive: true, force: true });
  await Promise.all([
    build(runtimeBundle),
    ...lambdaBundles.map(({ entry, out }) =>
      build({ entryPoints: [join(ROOT, entry)], outfile: join(dist, out), bundle: true, minify: true, platform: 'node', format: 'esm', target, banner, legalComments: 'none', plugins: [rxjsEsm], logLevel: 'warning' }),
    ),
    ...localBundles.map(({ entry, out, shebang }) =>
      build({ entryPoints: [join(ROOT, entry)], outfile: join(dist, out), bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', sourcemap: true, banner: shebang ? { js: '#!/usr/bin/env -S node --' } : undefined, logLevel: 'warning' }),
    ),
  ]);
  mkdirSync(join(dist, 'layer', 'bin'), { recursive: true });
  cpSync(join(ROOT, 'runtime', 'bin', 'bootstrap'), join(dist, 'layer', 'bin', 'bootstrap'));
  chmodSync(join(dist, 'layer', 'bin', 'bootstrap'), 0o755);
  for (const { out, shebang } of localBundles) if (shebang) chmodSync(join(dist, out), 0o755);

  for (const arch of Object.keys(NODE_BINARIES)) {
    const dir = join(dist, `layer-standalone-${arch}`);
    cpSync(join(dist, 'layer'), dir, { recursive: true });
    const binDir = join(dir, 'plldb', 'bin');
    mkdirSync(binDir, { recursive: true });
    cpSync(strippedNodeBinary(arch), join(binDir, 'node'));
    chmodSync(join(binDir, 'node'), 0o755);
  }
}

main().catch((err) => {
  console.error(`build failed: ${err.message}`);
  process.exit(1);
});
