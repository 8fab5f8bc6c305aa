import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Small handler folders in a temp dir: a Node.js and a Python function with a few behaviours. */
export function writeHandlers(): { root: string; nodeDir: string; pythonDir: string; cleanup: () => void } {
  const root = mkdtempSync(join(tmpdir(), 'plldb-sbx-lambda-'));
  const nodeDir = join(root, 'node');
  const pythonDir = join(root, 'python');
  mkdirSync(nodeDir);
  mkdirSync(pythonDir);
  writeFileSync(
    join(nodeDir, 'index.mjs'),
    `export const handler = async (event, context) => {
  console.log('event received');
  if (event.fail) { const error = new TypeError('bad input: ' + event.fail); throw error; }
  if (event.sleepMs) await new Promise((resolve) => setTimeout(resolve, event.sleepMs));
  if (event.exit !== undefined) process.exit(event.exit);
  if (event.holdMb) { globalThis.held = Buffer.alloc(event.holdMb * 1024 * 1024, 1); await new Promise((resolve) => setTimeout(resolve, 1000)); }
  return { echo: event, requestId: context.awsRequestId, fn: context.functionName, marker: process.env.MARKER ?? null, pid: process.pid };
};
`,
  );
  writeFileSync(join(nodeDir, 'callback.cjs'), `exports.handler = (event, context, callback) => { setTimeout(() => callback(null, { style: 'callback', n: event.n }), 5); };\n`);
  writeFileSync(join(nodeDir, 'broken.mjs'), `throw new Error('init exploded');\n`);
  writeFileSync(
    join(pythonDir, 'app.py'),
    `import os

def handler(event, context):
    print("event received")
    if event.get("fail"):
        raise ValueError("bad value: " + event["fail"])
    return {"echo": event, "requestId": context.aws_request_id, "fn": context.function_name, "remaining": context.get_remaining_time_in_millis() > 0, "marker": os.environ.get("MARKER")}
`,
  );
  return { root, nodeDir, pythonDir, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Polls a condition (no timing asserts: only "eventually"). */
export async function waitFor(check: () => boolean): Promise<void> {
  for (let i = 0; i < 300 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  if (!check()) throw new Error('condition not reached');
}
