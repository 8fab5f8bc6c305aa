import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { readFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { clientConfig, credentialProvider, type AwsOptions } from '../aws/options.js';
import { CliError, explainAwsError, FunctionNotFoundError } from '../errors.js';
import { action, info } from './common.js';

export interface InvokeCommandOptions extends AwsOptions {
  event?: string;
  json?: boolean;
}

export function invokeCommand(): Command {
  return new Command('invoke')
    .summary('invoke a function (in AWS or the sandbox) and print its answer')
    .description('Invoke a function synchronously with an event (a JSON file, - for stdin, default {}) and print the result or the error, the status and the time taken. AWS_ENDPOINT_URL_LAMBDA (plldb sandbox prints it) points it at the sandbox.')
    .argument('<function>', 'function name or ARN')
    .addOption(new Option('--event <file>', 'JSON event file, or - to read it from stdin'))
    .addOption(new Option('--json', 'print one JSON object: statusCode, functionError, durationMs, result'))
    .addOption(new Option('--region <region>', 'AWS region (default: AWS_REGION or your profile\'s region)'))
    .addOption(new Option('--profile <profile>', 'AWS profile from your shared config'))
    .action(action((name: string, opts: InvokeCommandOptions) => runInvoke(name, opts)));
}

/** The event's JSON text, checked: a file, stdin (`-`), or `{}`. */
export function readEvent(source: string | undefined, stdin: () => string = () => readFileSync(0, 'utf8')): string {
  if (source === undefined) return '{}';
  let text: string;
  try {
    text = source === '-' ? stdin() : readFileSync(source, 'utf8');
  } catch (err) {
    throw new CliError(`cannot read the event ${source}: ${(err as Error).message}`, 'pass a JSON file with --event FILE, or - for stdin');
  }
  try {
    JSON.parse(text);
  } catch (err) {
    throw new CliError(`the event ${source === '-' ? 'on stdin' : source} is not JSON: ${(err as Error).message}`, 'fix the event; nothing was invoked');
  }
  return text;
}

export interface InvokeResult {
  statusCode: number;
  functionError?: string;
  durationMs: number;
  /** The answer, parsed when it is JSON. */
  result: unknown;
}

export async function invokeFunction(lambda: LambdaClient, name: string, event: string, now: () => number = performance.now.bind(performance)): Promise<InvokeResult> {
  const started = now();
  let out;
  try {
    out = await lambda.send(new InvokeCommand({ FunctionName: name, Payload: Buffer.from(event) }));
  } catch (err) {
    if ((err as Error).name === 'ResourceNotFoundException') throw new FunctionNotFoundError(name);
    throw explainAwsError(err, `invoke ${name}`);
  }
  const durationMs = Math.round(now() - started);
  const text = out.Payload ? Buffer.from(out.Payload).toString('utf8') : '';
  let result: unknown = text;
  try {
    result = JSON.parse(text);
  } catch {
    // Not JSON (a plain-text answer): shown as it is.
  }
  return { statusCode: out.StatusCode ?? 0, ...(out.FunctionError ? { functionError: out.FunctionError } : {}), durationMs, result };
}

export async function runInvoke(name: string, opts: InvokeCommandOptions): Promise<void> {
  const event = readEvent(opts.event);
  const lambda = new LambdaClient({ ...clientConfig(opts), credentials: credentialProvider(opts) });
  try {
    const outcome = await invokeFunction(lambda, name, event);
    if (opts.json) info(JSON.stringify(outcome));
    else {
      info(`${name}: ${outcome.functionError ? `error (${outcome.functionError})` : 'ok'}, status ${outcome.statusCode}, ${outcome.durationMs} ms`);
      info(typeof outcome.result === 'string' ? outcome.result : JSON.stringify(outcome.result, null, 2));
    }
    if (outcome.functionError) process.exitCode = 1;
  } finally {
    lambda.destroy();
  }
}
