import { randomUUID } from 'node:crypto';
import { Command, InvalidArgumentError, Option } from 'commander';
import { Env } from '../../../protocol/index.js';
import { MANAGED_INSTANCES_MAX_TIMEOUT_SECONDS, MAX_TIMEOUT_SECONDS } from '../attach/attacher.js';
import { action, addAwsOptions, collect, info, makeAttacher, type StackOptions } from './common.js';
import { addTrafficOptions, trafficEnvironment, type TrafficOptions } from './traffic-options.js';

interface AttachCommandOptions extends StackOptions, TrafficOptions {
  function: string[];
  connectionId: string;
  sessionId?: string;
  timeout?: number;
  takeover?: boolean;
}

/** Whole seconds Lambda may accept; each function's own limit is checked at attach. */
export function parseTimeout(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > MANAGED_INSTANCES_MAX_TIMEOUT_SECONDS) {
    throw new InvalidArgumentError(`give a whole number of seconds from 1 to ${MAX_TIMEOUT_SECONDS} (up to ${MANAGED_INSTANCES_MAX_TIMEOUT_SECONDS} for functions on Lambda Managed Instances)`);
  }
  return n;
}

export function attachCommand(): Command {
  const command = new Command('attach')
    .summary('send a function\'s invocations to a debugger connection')
    .description(
      `Attach Lambda functions to a debugger WebSocket connection: adds the PLLDB layer (the Node.js layer for nodejs* runtimes, the standalone layer of the function's architecture for python*), sets ${Env.ExecWrapper}, ${Env.SessionId}, ${Env.ConnectionId}, ${Env.WebSocketApiEndpoint}, ${Env.DebuggerRoleArn} and ${Env.TableName} (plus ${Env.WhenDisconnected}, ${Env.RouteFilter}, ${Env.Mode} and ${Env.ObserveSampleMs} when their flags are given), and lets the function's execution role assume the debugger role (inline policy and tag). What it added is recorded on the function itself (${Env.Attachment}), so "plldb detach" removes exactly that, from any machine, and keeps whatever changed since. A function another session holds with an open connection is refused unless --takeover.\n\n"plldb debug" attaches and detaches for you; use this command for a connection you manage yourself.`,
    )
    .addOption(new Option('-f, --function <name>', 'function name or ARN (repeat for more)').argParser(collect).makeOptionMandatory())
    .addOption(new Option('--connection-id <id>', 'WebSocket connection id of the debugger (what "whoami" answers)').makeOptionMandatory())
    .addOption(new Option('--session-id <id>', 'debugger session id (default: a new random id)'))
    .addOption(new Option('--timeout <seconds>', `set the function timeout while attached (1-${MAX_TIMEOUT_SECONDS}, up to ${MANAGED_INSTANCES_MAX_TIMEOUT_SECONDS} on Lambda Managed Instances); default: unchanged`).argParser(parseTimeout))
    .addOption(new Option('--takeover', 'attach a function another session holds, even while its connection is open'));
  return addAwsOptions(addTrafficOptions(command)).action(
    action(async (opts: AttachCommandOptions) => {
      const traffic = trafficEnvironment(opts);
      const attacher = makeAttacher(opts);
      const target = { sessionId: opts.sessionId ?? randomUUID(), connectionId: opts.connectionId };
      for (const name of opts.function) {
        const result = await attacher.attach(name, target, { ...(opts.timeout !== undefined ? { timeout: opts.timeout } : {}), takeover: opts.takeover ?? false, command: 'attach', traffic });
        if (result.status !== 'attached') continue;
        for (const notice of result.notices) info(notice);
        const timeout = result.timeout ? `; timeout ${result.timeout.before} s -> ${result.timeout.set} s while attached` : '';
        info(`${result.firstAttach ? 'attached' : 're-attached'} ${result.functionName} (${result.runtime}, layer ${result.layerArn}) to connection ${target.connectionId}, session ${target.sessionId}${timeout}`);
      }
    }),
  );
}
