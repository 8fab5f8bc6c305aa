import { Command, Option } from 'commander';
import { dynamoSessionDirectory } from '../aws/session-directory.js';
import { listAttachments, type AttachmentStatus } from '../attach/status.js';
import { isPlldbLayer } from '../attach/layer-choice.js';
import { lambdaFunctionConfigApi } from '../aws/function-config-api.js';
import { cloudFormationStackOutputsApi, loadHelperStack } from '../aws/stack-outputs.js';
import { action, addAwsOptions, awsClients, info, type StackOptions } from './common.js';

interface StatusCommandOptions extends StackOptions {
  json?: boolean;
}

function describe(s: AttachmentStatus): string {
  if (!s.sessionId) return `${s.functionName}: carries PLLDB's layer but is not attached (run plldb detach --function ${s.functionName} to remove it)`;
  const connection = s.connection === 'unknown' ? `state unknown: ${s.connectionNote ?? ''}` : s.connection;
  const timeout = s.timeoutBefore !== undefined ? `, timeout ${s.timeout} s (${s.timeoutBefore} s after detach)` : '';
  return `${s.functionName}: session ${s.sessionId}, connection ${s.connectionId} (${connection})${s.attachedAt ? `, since ${s.attachedAt}` : ''}${timeout}`;
}

export function statusCommand(): Command {
  const command = new Command('status')
    .summary('list the functions of the region that carry PLLDB')
    .description('Lists every function of the region that carries PLLDB (its record, its wrapper or its layer), attached from any machine: its session, its connection and whether API Gateway still has it open, and since when.')
    .addOption(new Option('--json', 'print a JSON array'));
  return addAwsOptions(command).action(
    action(async (opts: StatusCommandOptions) => {
      const clients = awsClients(opts);
      // Without the stack (destroyed, or another --stack), functions are still found by their record and wrapper.
      const stack = await loadHelperStack(cloudFormationStackOutputsApi(clients.cloudFormation), opts.stack).catch(() => undefined);
      const rows = await listAttachments(lambdaFunctionConfigApi(clients.lambda), clients.connections, (arn) => (stack ? isPlldbLayer(arn, stack) : false), dynamoSessionDirectory(clients.dynamo));
      if (opts.json) {
        info(JSON.stringify(rows, null, 2));
        return;
      }
      if (rows.length === 0) info('no function in this region carries PLLDB');
      for (const row of rows) info(describe(row));
    }),
  );
}
