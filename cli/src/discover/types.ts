/** One Lambda function of an infrastructure-as-code project, mapped (or not) to its local source. */
export interface DiscoveredFunction {
  /** CloudFormation logical id (CDK, SAM), or the name a plldb.config.json entry is keyed by. */
  logicalId: string;
  /** The stack the function is deployed with, when the project says. */
  stackName?: string;
  runtime?: string;
  /** The deployed handler setting (`index.handler`, `app.lambda_handler`). */
  handler?: string;
  /** Absolute path of the file that holds the handler. */
  source?: string;
  /** The handler's exported name (Python: the function name) in `source`. */
  export?: string;
  /** The deployed function's name, when the deployed stack is known. */
  functionName?: string;
  /** Why no deployed function is known for it (stack not deployed, function not in it yet). */
  notDeployed?: string;
  /** Why the function cannot be debugged from its source (no mapping, missing file or export). */
  problem?: string;
}

/**
 * One kind of infrastructure-as-code project. CDK and SAM are built in; the Serverless Framework
 * (serverless.yml: functions.<name>.handler) and Terraform (aws_lambda_function + archive_file
 * source_dir) fit the same shape: detect by their files, list functions with handler and source.
 */
export interface ProjectReader {
  readonly kind: string;
  detect(dir: string): boolean;
  read(dir: string): Promise<DiscoveredFunction[]>;
}
