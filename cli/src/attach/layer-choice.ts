import type { FunctionConfig } from '../aws/function-config-api.js';
import { CliError } from '../errors.js';
import type { HelperStack } from '../aws/stack-outputs.js';

/**
 * Node.js and Python runtimes on Amazon Linux 2 or older. Their glibc (2.26) is too old for the
 * standalone layer's Node.js (needs 2.28), and their Node.js (18 or older) too old for the runtime bundle.
 */
function amazonLinux2OrOlder(runtime: string): boolean {
  const version = (prefix: string) => (runtime.startsWith(prefix) ? Number.parseInt(runtime.slice(prefix.length), 10) : undefined);
  const node = version('nodejs');
  if (node !== undefined) return Number.isNaN(node) || node < 20;
  const python = version('python3.');
  return python === undefined || python < 12;
}

/** What PLLDB debugs: the managed runtimes whose handlers `plldb debug` runs locally. */
const WORKS_WITH = 'Node.js (nodejs20.x or later) and Python (python3.12 or later) functions';

/**
 * Refuses runtimes PLLDB cannot serve: OS-only runtimes, where Lambda ignores AWS_LAMBDA_EXEC_WRAPPER
 * (wrapper scripts run on managed runtimes only), and managed runtimes whose handlers `plldb debug`
 * cannot run on this machine.
 */
function checkRuntimeServed(fn: FunctionConfig & { runtime: string }): void {
  if (fn.runtime.startsWith('provided')) {
    throw new CliError(
      `function ${fn.name} uses the OS-only runtime ${fn.runtime}: Lambda ignores AWS_LAMBDA_EXEC_WRAPPER there (wrapper scripts run only on managed runtimes), so the function would keep running its own bootstrap and no invocation would reach the debugger`,
      `PLLDB debugs ${WORKS_WITH}; debug the handler's logic in a copy deployed on one of those runtimes`,
    );
  }
  if (!fn.runtime.startsWith('nodejs') && !fn.runtime.startsWith('python')) {
    throw new CliError(
      `function ${fn.name} uses runtime ${fn.runtime}: plldb debug runs handlers locally with Node.js or Python only, so every invocation would fail while attached`,
      `PLLDB debugs ${WORKS_WITH}`,
    );
  }
}

/** The layer for a function: the Node.js layer for Node.js runtimes, the standalone layer of its architecture otherwise. */
export function chooseLayer(fn: FunctionConfig, stack: HelperStack): string {
  if (fn.packageType === 'Image' || !fn.runtime) {
    throw new CliError(`function ${fn.name} is a container image; Lambda layers (and so PLLDB) only work with .zip functions`, 'debug a .zip-packaged copy of the function');
  }
  checkRuntimeServed(fn as FunctionConfig & { runtime: string });
  if (amazonLinux2OrOlder(fn.runtime)) {
    throw new CliError(
      `function ${fn.name} uses runtime ${fn.runtime}, which runs on Amazon Linux 2 (or older): PLLDB's runtime needs an Amazon Linux 2023 runtime (glibc 2.28 for its standalone Node.js, Node.js 20 or later)`,
      'move the function to a current runtime (nodejs20.x or later, python3.12 or later) and attach again',
    );
  }
  return fn.runtime.startsWith('nodejs') ? stack.nodeLayerArn : stack.standaloneLayerArns[fn.architecture];
}

/** A layer version ARN without its version: `arn:aws:lambda:region:account:layer:name`. */
function layerWithoutVersion(arn: string): string {
  return /:\d+$/.test(arn) ? arn.replace(/:\d+$/, '') : arn;
}

/** Whether a layer ARN is (any version of) one of the helper stack's layers. */
export function isPlldbLayer(arn: string, stack: HelperStack): boolean {
  const ours = [stack.nodeLayerArn, stack.standaloneLayerArns.x86_64, stack.standaloneLayerArns.arm64].map(layerWithoutVersion);
  return ours.includes(layerWithoutVersion(arn));
}
