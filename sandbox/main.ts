// `npm run sandbox`: starts the sandbox and prints what a shell needs to use it, until Ctrl+C.
import { parseArgs } from 'node:util';
import { startSandbox } from './sandbox.js';

const USAGE = 'usage: npm run sandbox -- [--call-delay-ms N] [--stream-delay-ms N] [--quiet]';

function milliseconds(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const ms = Number(value);
  if (!Number.isInteger(ms) || ms < 0) throw new Error(`${flag} must be a whole number of milliseconds (0 or more), got "${value}"\n${USAGE}`);
  return ms;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { 'call-delay-ms': { type: 'string' }, 'stream-delay-ms': { type: 'string' }, quiet: { type: 'boolean' } },
  });
  const callDelayMs = milliseconds(values['call-delay-ms'], '--call-delay-ms');
  const streamDelayMs = milliseconds(values['stream-delay-ms'], '--stream-delay-ms');
  const sandbox = await startSandbox({
    ...(callDelayMs !== undefined ? { callDelayMs } : {}),
    ...(streamDelayMs !== undefined ? { streamDelayMs } : {}),
    ...(values.quiet ? {} : { onLog: (functionName: string, _instance: string, line: string) => process.stderr.write(`[${functionName}] ${line}\n`) }),
  });
  const out = process.stdout;
  out.write('PLLDB sandbox running. Use it from another shell with:\n\n');
  for (const [name, value] of Object.entries(sandbox.env)) out.write(`export ${name}=${value}\n`);
  out.write(`\nWebSocket API: ${sandbox.endpoints.webSocketUrl}\nManagement endpoint: ${sandbox.endpoints.managementEndpoint}\n`);
  out.write(`Stack ${sandbox.stackName} outputs:\n`);
  for (const [key, value] of Object.entries(sandbox.stackOutputs())) out.write(`  ${key} = ${value}\n`);
  out.write('\nCtrl+C stops it.\n');
  const stop = (): void => {
    void sandbox.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`sandbox: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
