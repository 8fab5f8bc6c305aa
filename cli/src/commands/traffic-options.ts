import { readFileSync } from 'node:fs';
import { Command, InvalidArgumentError, Option } from 'commander';
import { Env, FilterPatternError, RuntimeMode, WhenDisconnected, compileEventPattern, parseFilterPattern } from '../../../protocol/index.js';
import { CliError } from '../errors.js';

/** --when-disconnected, --filter, --observe, --sample-ms as commander parsed them. */
export interface TrafficOptions {
  whenDisconnected?: string;
  filter?: string;
  observe?: boolean;
  sampleMs?: number;
}

/** The three traffic flags of `plldb debug` and `plldb attach`. */
export function addTrafficOptions(command: Command): Command {
  return command
    .addOption(
      new Option('--when-disconnected <mode>', 'who answers when no debugger is connected: "error" (the caller gets PLLDB.DebuggerNotConnected) or "passthrough" (the function\'s deployed code)').choices(
        Object.values(WhenDisconnected),
      ),
    )
    .addOption(new Option('--filter <pattern>', 'EventBridge event pattern (JSON, or @file.json): only matching invocations come to the debugger, the deployed code answers the others').argParser(filterArgument))
    .addOption(new Option('--observe', 'the deployed code answers every invocation; the debugger gets copies (breakpoints hit, answers discarded)'))
    .addOption(new Option('--sample-ms <ms>', 'with --observe: at most one copy per this many milliseconds per execution environment (0: every invocation; default 1000)').argParser(wholeNumber));
}

/** The variables the flags set on the function; only those given (the runtime's defaults cover the rest). */
export function trafficEnvironment(opts: TrafficOptions): Record<string, string> {
  if (opts.sampleMs !== undefined && !opts.observe) throw new CliError('--sample-ms applies to --observe only', 'add --observe, or drop --sample-ms');
  return {
    ...(opts.whenDisconnected !== undefined ? { [Env.WhenDisconnected]: opts.whenDisconnected } : {}),
    ...(opts.filter !== undefined ? { [Env.RouteFilter]: opts.filter } : {}),
    ...(opts.observe ? { [Env.Mode]: RuntimeMode.Observe } : {}),
    ...(opts.sampleMs !== undefined ? { [Env.ObserveSampleMs]: String(opts.sampleMs) } : {}),
  };
}

/** Reads `@file.json` or takes the text, checks the whole pattern, and returns it as compact JSON (environment space is scarce). */
function filterArgument(value: string): string {
  let text = value;
  if (value.startsWith('@')) {
    try {
      text = readFileSync(value.slice(1), 'utf8');
    } catch (err) {
      throw new InvalidArgumentError(`cannot read ${value.slice(1)}: ${(err as Error).message}`);
    }
  }
  try {
    const pattern = parseFilterPattern(text);
    compileEventPattern(pattern);
    return JSON.stringify(pattern);
  } catch (err) {
    if (err instanceof FilterPatternError) throw new InvalidArgumentError(`${err.message} (EventBridge event pattern syntax, e.g. {"detail":{"type":["order"]}})`);
    throw err;
  }
}

function wholeNumber(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('give a whole number of milliseconds, 0 or more');
  return Number(value);
}
