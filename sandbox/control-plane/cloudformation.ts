import { randomUUID } from 'node:crypto';
import { SANDBOX_ACCOUNT_ID, SANDBOX_REGION } from '../constants.js';
import { QueryError, type QueryService, queryResult, type QueryResponse } from './query-protocol.js';

const NAMESPACE = 'http://cloudformation.amazonaws.com/doc/2010-05-15/';

export interface StackDefinition {
  stackName: string;
  /** Output key -> value (the helper stack's keys are protocol's `StackOutput`). */
  outputs: Record<string, string>;
}

interface StoredStack extends StackDefinition {
  stackId: string;
  creationTime: string;
}

/** CloudFormation's DescribeStacks (awsQuery) over stacks the sandbox pretends are deployed. */
export class CloudFormationService implements QueryService {
  readonly serviceName = 'CloudFormation';
  readonly namespace = NAMESPACE;
  readonly actions: ReadonlySet<string> = new Set(['DescribeStacks']);
  private readonly stacks = new Map<string, StoredStack>();

  constructor(stacks: StackDefinition[] = [], private readonly region = SANDBOX_REGION, private readonly accountId = SANDBOX_ACCOUNT_ID) {
    for (const stack of stacks) this.setStack(stack);
  }

  /** Adds a stack or replaces its outputs (e.g. once the sandbox knows its endpoints). */
  setStack(stack: StackDefinition): void {
    const existing = this.stacks.get(stack.stackName);
    this.stacks.set(stack.stackName, {
      stackName: stack.stackName,
      outputs: { ...stack.outputs },
      stackId: existing?.stackId ?? `arn:aws:cloudformation:${this.region}:${this.accountId}:stack/${stack.stackName}/${randomUUID()}`,
      creationTime: existing?.creationTime ?? new Date().toISOString(),
    });
  }

  handle(_action: string, params: URLSearchParams): QueryResponse {
    const requested = params.get('StackName');
    const stacks = requested ? [this.find(requested)] : [...this.stacks.values()];
    return queryResult('DescribeStacks', NAMESPACE, {
      Stacks: stacks.map((stack) => ({
        StackName: stack.stackName,
        StackId: stack.stackId,
        CreationTime: stack.creationTime,
        StackStatus: 'CREATE_COMPLETE',
        Outputs: Object.entries(stack.outputs).map(([key, value]) => ({ OutputKey: key, OutputValue: value })),
      })),
    });
  }

  /** By name or stack id, as CloudFormation accepts either. */
  private find(nameOrId: string): StoredStack {
    const stack = this.stacks.get(nameOrId) ?? [...this.stacks.values()].find((s) => s.stackId === nameOrId);
    if (!stack) throw new QueryError('ValidationError', `Stack with id ${nameOrId} does not exist`);
    return stack;
  }
}
