import { randomUUID } from 'node:crypto';
import { SANDBOX_ACCOUNT_ID, SANDBOX_REGION } from '../constants.js';
import { QueryError, type QueryService, queryResult, requireParam, type QueryResponse } from './query-protocol.js';

const NAMESPACE = 'http://cloudformation.amazonaws.com/doc/2010-05-15/';
/**
 * ListStackResources page size. AWS pages when the output exceeds 1 MB (API reference,
 * ListStackResources: NextToken); the sandbox pages by count so that clients' paging is exercised.
 */
const RESOURCES_PAGE = 100;

/** One resource of a stack, as ListStackResources summarizes it. */
export interface StackResource {
  logicalId: string;
  physicalId: string;
  /** e.g. `AWS::Lambda::Function`. */
  type: string;
}

export interface StackDefinition {
  stackName: string;
  /** Output key -> value (the helper stack's keys are protocol's `StackOutput`). */
  outputs: Record<string, string>;
  /** The stack's resources (default: none). */
  resources?: StackResource[];
}

interface StoredStack extends StackDefinition {
  stackId: string;
  creationTime: string;
  resources: StackResource[];
}

/** CloudFormation's DescribeStacks and ListStackResources (awsQuery) over stacks the sandbox pretends are deployed. */
export class CloudFormationService implements QueryService {
  readonly serviceName = 'CloudFormation';
  readonly namespace = NAMESPACE;
  readonly actions: ReadonlySet<string> = new Set(['DescribeStacks', 'ListStackResources']);
  private readonly stacks = new Map<string, StoredStack>();

  constructor(stacks: StackDefinition[] = [], private readonly region = SANDBOX_REGION, private readonly accountId = SANDBOX_ACCOUNT_ID) {
    for (const stack of stacks) this.setStack(stack);
  }

  /** Adds a stack or replaces its outputs and resources (e.g. once the sandbox knows its endpoints). */
  setStack(stack: StackDefinition): void {
    const existing = this.stacks.get(stack.stackName);
    this.stacks.set(stack.stackName, {
      stackName: stack.stackName,
      outputs: { ...stack.outputs },
      resources: [...(stack.resources ?? existing?.resources ?? [])],
      stackId: existing?.stackId ?? `arn:aws:cloudformation:${this.region}:${this.accountId}:stack/${stack.stackName}/${randomUUID()}`,
      creationTime: existing?.creationTime ?? new Date().toISOString(),
    });
  }

  handle(action: string, params: URLSearchParams): QueryResponse {
    if (action === 'ListStackResources') return this.listStackResources(params);
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

  /** StackResourceSummaries, paged by NextToken (the index of the next summary). */
  private listStackResources(params: URLSearchParams): QueryResponse {
    const stack = this.find(requireParam(params, 'StackName'));
    const token = params.get('NextToken');
    const start = token === null ? 0 : Number(token);
    if (!Number.isInteger(start) || start < 0 || start > stack.resources.length) throw new QueryError('ValidationError', `Invalid NextToken ${token ?? ''}`);
    const page = stack.resources.slice(start, start + RESOURCES_PAGE);
    return queryResult('ListStackResources', NAMESPACE, {
      StackResourceSummaries: page.map((r) => ({
        LogicalResourceId: r.logicalId,
        PhysicalResourceId: r.physicalId,
        ResourceType: r.type,
        LastUpdatedTimestamp: stack.creationTime,
        ResourceStatus: 'CREATE_COMPLETE',
      })),
      NextToken: start + RESOURCES_PAGE < stack.resources.length ? String(start + RESOURCES_PAGE) : undefined,
    });
  }

  /** By name or stack id, as CloudFormation accepts either. */
  private find(nameOrId: string): StoredStack {
    const stack = this.stacks.get(nameOrId) ?? [...this.stacks.values()].find((s) => s.stackId === nameOrId);
    if (!stack) throw new QueryError('ValidationError', `Stack with id ${nameOrId} does not exist`);
    return stack;
  }
}
