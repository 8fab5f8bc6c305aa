/** One AWS API request a sandbox service received (for request counts by API). */
export interface AwsRequest {
  /** The service as the SDK names it: DynamoDB, SQS, STS, ApiGatewayManagementApi, Lambda, IAM, CloudFormation. */
  service: string;
  operation: string;
  /** The SigV4 access key id that signed it, when signed. */
  accessKeyId: string | undefined;
  /** What it acted on, where that tells invocations apart: the SQS queue name, the WebSocket connection id. */
  resource?: string;
}

export type RequestHook = (request: AwsRequest) => void;
