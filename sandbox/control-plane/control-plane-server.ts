import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RequestHook } from '../common/request-hook.js';
import { accessKeyOf } from '../common/sigv4.js';
import type { FunctionHost } from '../lambda/function-host.js';
import type { SandboxConditions } from '../latency.js';
import { CloudFormationService, type StackDefinition } from './cloudformation.js';
import { readBody, send } from '../common/http-service.js';
import { IamService } from './iam.js';
import { LambdaApi, lambdaOperation } from './lambda-api.js';
import { QueryError, queryErrorResponse, type QueryService } from './query-protocol.js';

export interface ControlPlaneOptions {
  functions: FunctionHost;
  /** IAM roles that exist besides the hosted functions' execution roles (e.g. PLLDBDebuggerRole). */
  roles?: string[];
  /** Stacks DescribeStacks knows (their outputs can be set later with `cloudFormation.setStack`). */
  stacks?: StackDefinition[];
  /** Shared latency switch: its per-call delay comes before every answer, to look like a call to an AWS region. */
  conditions?: SandboxConditions;
  /** Told about every request (request counts by API). */
  onRequest?: RequestHook;
  /** Port on 127.0.0.1 (default 0: a free one). */
  port?: number;
}

/**
 * One HTTP endpoint for the control-plane calls the CLI makes: Lambda (restJson1, by path), IAM
 * and CloudFormation (awsQuery, by Action). Point AWS_ENDPOINT_URL_LAMBDA / _IAM / _CLOUDFORMATION here.
 */
export class ControlPlaneServer {
  readonly iam: IamService;
  readonly cloudFormation: CloudFormationService;
  private readonly lambda: LambdaApi;
  private readonly queryServices: QueryService[];
  private readonly server: Server;
  private port = 0;

  constructor(private readonly options: ControlPlaneOptions) {
    const host = options.functions;
    this.lambda = new LambdaApi(host);
    this.iam = new IamService({
      roles: options.roles ?? [],
      roleNames: () => host.listFunctions().map((name) => roleName(host.getFunctionConfiguration(name).Role ?? '')),
    });
    this.cloudFormation = new CloudFormationService(options.stacks ?? []);
    this.queryServices = [this.iam, this.cloudFormation];
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((err: Error) => {
        if (!res.headersSent) send(res, 500, { 'content-type': 'application/json' }, JSON.stringify({ message: err.message }));
      });
    });
  }

  /** `http://127.0.0.1:{port}`. */
  get endpoint(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.options.port ?? 0, '127.0.0.1', () => resolve());
    });
    this.port = (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    this.lambda.close();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const accessKeyId = accessKeyOf(req);
    if (this.lambda.matches(url.pathname)) {
      this.options.onRequest?.({ service: 'Lambda', operation: lambdaOperation(req.method, url.pathname), accessKeyId });
      await this.options.conditions?.delayCall();
      return this.lambda.handle(req, res, url);
    }
    const params = new URLSearchParams((await readBody(req)).toString('utf8'));
    const action = params.get('Action') ?? '';
    const service = this.queryServices.find((s) => s.actions.has(action)) ?? this.queryServices.find((s) => s.namespace.includes(`${scopeService(req)}.amazonaws.com`));
    const answering = service ?? this.iam;
    this.options.onRequest?.({ service: answering.serviceName, operation: action, accessKeyId });
    await this.options.conditions?.delayCall();
    const namespace = answering.namespace;
    try {
      if (!service || !service.actions.has(action)) {
        throw new QueryError('InvalidAction', `The action ${action || '(none)'} is not valid for this web service: the sandbox serves ${this.queryServices.flatMap((s) => [...s.actions]).join(', ')}`);
      }
      const answer = service.handle(action, params);
      send(res, answer.status, { 'content-type': 'text/xml' }, answer.body);
    } catch (err) {
      if (!(err instanceof QueryError)) throw err;
      const answer = queryErrorResponse(err, namespace);
      send(res, answer.status, { 'content-type': 'text/xml' }, answer.body);
    }
  }
}

function roleName(arn: string): string {
  return arn.slice(arn.lastIndexOf('/') + 1);
}

/** The service of the request's SigV4 credential scope (`.../{region}/{service}/aws4_request`). */
function scopeService(req: IncomingMessage): string {
  return /Credential=[^/]+\/[^/]+\/[^/]+\/([^/]+)\/aws4_request/.exec(req.headers.authorization ?? '')?.[1] ?? '';
}
