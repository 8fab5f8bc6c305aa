import { statSync } from 'node:fs';
import { isIP } from 'node:net';
import { CliError } from '../errors.js';

/** `--code` names a folder that exists. */
export function checkCodeFolder(code: string): void {
  const stat = statSync(code, { throwIfNoEntry: false });
  if (!stat) throw new CliError(`--code ${code}: no such folder`, 'point --code at the folder the functions\' handler settings are relative to');
  if (!stat.isDirectory()) throw new CliError(`--code ${code} is a file, not a folder`, 'point --code at the folder the handler settings are relative to (e.g. --code . for index.handler)');
}

/** `host:port` (or `port`, or `[v6]:port`) of a debugger listener, with a port in 1-65535. */
export function parseListenAddress(flag: string, value: string, defaultHost = '127.0.0.1'): { host: string; port: number } {
  const match = /^(?:(\[[^\]]+\]|[^:]+):)?(\d+)$/.exec(value);
  const port = Number(match?.[2]);
  const host = match?.[1]?.replace(/^\[(.*)\]$/, '$1') ?? defaultHost;
  if (!match || !Number.isInteger(port) || port < 1 || port > 65535 || (host.includes(':') && !isIP(host))) {
    throw new CliError(`${flag} ${value}: not a valid address`, `use host:port with a port in 1-65535, e.g. ${flag} 127.0.0.1:${flag === '--debugpy' ? 5678 : 9229}`);
  }
  return { host, port };
}
