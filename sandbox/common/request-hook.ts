/** One AWS API request a sandbox service received (for request counts by API). */
export interface AwsRequest {
  /** The service as the SDK names it: DynamoDB, SQS, STS, ApiGatewayManagementApi, Lambda, IAM, CloudFormation. */
  service: string;
  operation: string;
  /** The SigV4 access key id that signed it, when signed. */
  accessKeyId: string | undefined;
}

export type RequestHook = (request: AwsRequest) => void;
