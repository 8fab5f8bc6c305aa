import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { distPath } from './assets.js';

export interface LoggedFunctionProps {
  description: string;
  /** Folder under dist/ holding index.mjs. */
  bundle: string;
  timeout: Duration;
  environment?: Record<string, string>;
}

/**
 * A Node.js arm64 function with its own log group and a role that may write only there
 * (instead of the AWSLambdaBasicExecutionRole managed policy, which allows every log group).
 */
export class LoggedFunction extends Construct {
  readonly function: lambda.Function;
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: LoggedFunctionProps) {
    super(scope, id);
    const logGroup = new logs.LogGroup(this, 'Logs', { retention: logs.RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY });
    this.role = new iam.Role(this, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'), description: `${props.description} (execution role)` });
    logGroup.grantWrite(this.role);
    this.function = new lambda.Function(this, 'Function', {
      description: props.description,
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      handler: 'index.handler',
      code: lambda.Code.fromAsset(distPath(props.bundle)),
      memorySize: 256,
      timeout: props.timeout,
      role: this.role,
      logGroup,
      environment: props.environment,
    });
  }
}
