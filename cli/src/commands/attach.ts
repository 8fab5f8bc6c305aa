import { randomUUID } from 'node:crypto';
import { Command, InvalidArgumentError, Option } from 'commander';
import { Env } from '../../../protocol/index.js';
import { MAX_TIMEOUT_SECONDS } from '../attach/attacher.js';
import { action, addAwsOptions, collect, info, makeAttacher, type StackOptions } from './common.js';
import { addTrafficOptions, trafficEnvironment, type TrafficOptions } from './traffic-options.js';

interface AttachCommandOptions extends StackOptions, TrafficOptions {
  function: string[];
  connectionId: string;
  sessionId?: string;
  timeout?: number;
}

export function parseTimeout(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > MAX_TIMEOUT_SECONDS) throw new InvalidArgumentError(`give a whole number of seconds from 1 to ${MAX_TIMEOUT_SECONDS}`);
  return n;
}

export function attachCommand(): Command {
  const command = new Command('attach')
    .summary('send a function\'s invocations to a debugger connection')
    .description(
      `Attach Lambda functions to a debugger WebSocket connection: adds the PLLDB layer (the Node.js layer for nodejs* runtimes, the standalone layer of the function's architecture otherwise), sets ${Env.ExecWrapper}, ${Env.SessionId}, ${Env.ConnectionId}, ${Env.WebSocketApiEndpoint}, ${Env.DebuggerRoleArn} and ${Env.TableName}, (plus ${Env.WhenDisconnected}, ${Env.RouteFilter}, ${Env.Mode} and ${Env.ObserveSampleMs} when their flags are given), and lets the function's execution role assume the debugger role (inline policy). The previous configuration is saved under ~/.plldb/attachments (or $PLLDB_STATE_DIR) first, so "plldb detach" restores it exactly. Attaching again only changes the session and connection.\n\n"plldb debug" attaches and detaches for you; use this command for a connection you manage yourself.`,
    )
    .addOption(new Option('-f, --function <name>', 'function name or ARN (repeat for more)').argParser(collect).makeOptionMandatory())
    .addOption(new Option('--connection-id <id>', 'WebSocket connection id of the debugger (what "whoami" answers)').makeOptionMandatory())
    .addOption(new Option('--session-id <id>', 'debugger session id (default: a new random id)'))
    .addOption(new Option('--timeout <seconds>', `set the function timeout while attached (1-${MAX_TIMEOUT_SECONDS}); default: unchanged`).argParser(parseTimeout));
  return addAwsOptions(addTrafficOptions(command)).action(
    action(async (opts: AttachCommandOptions) => {
      const traffic = trafficEnvironment(opts);
      const attacher = makeAttacher(opts);
      const target = { sessionId: opts.sessionId ?? randomUUID(), connectionId: opts.connectionId };
      for (const name of opts.function) {
        const result = await attacher.attach(name, target, { ...(opts.timeout !== undefined ? { timeout: opts.timeout } : {}), traffic });
        info(`${result.firstAttach ? 'attached' : 're-attached'} ${result.functionName} (${result.runtime}, layer ${result.layerArn}) to connection ${target.connectionId}, session ${target.sessionId}`);
      }
    }),
  );
}
