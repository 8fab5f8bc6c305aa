import { PlldbError, PlldbErrorType } from '../errors.js';

/**
 * How long opening a connection to an AWS endpoint may take. From a VPC without a route to the
 * endpoint the packets are dropped and a connect would wait minutes (the OS's timeout), past the
 * function's deadline; a reachable endpoint connects in milliseconds.
 */
export const CONNECT_TIMEOUT_MS = 2000;

/** The endpoints the runtime calls, as the fix names them. */
export type AwsEndpoint = 'STS' | 'DynamoDB' | 'SQS' | 'execute-api';

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT']);

/** True when the call never reached the endpoint: refused, unresolvable, unroutable, or no connection within CONNECT_TIMEOUT_MS. */
export function isUnreachable(err: unknown): boolean {
  const e = err as { name?: string; code?: string; message?: string } | undefined;
  if (e?.code !== undefined && NETWORK_CODES.has(e.code)) return true;
  return e?.name === 'TimeoutError' && /establish(ing)? a connection/.test(e.message ?? '');
}

/**
 * API Gateway's 403 to PostToConnection that is no IAM denial: from a VPC whose execute-api
 * interface endpoint has private DNS, `*.execute-api.{region}.amazonaws.com` resolves to that
 * endpoint, which serves private APIs only; PLLDB's WebSocket API is public.
 */
export function isPrivateDnsForbidden(err: unknown): boolean {
  const e = err as { $metadata?: { httpStatusCode?: number }; message?: string } | undefined;
  return e?.$metadata?.httpStatusCode === 403 && !/not authorized/i.test(e.message ?? '');
}

const FIX =
  "Give the function's subnets a route to the internet (a NAT gateway): PostToConnection to PLLDB's public WebSocket API (execute-api) cannot go through a VPC endpoint. Interface endpoints for STS and SQS and a gateway endpoint for DynamoDB make a NAT unnecessary for those three only. Or detach PLLDB (`plldb detach`).";

/** The caller's error for an endpoint the function's network cannot reach. */
export function unreachableError(endpoint: AwsEndpoint, err: unknown): PlldbError {
  return new PlldbError(
    `PLLDB could not reach ${endpoint} from this function (${(err as Error).message}): a function in a VPC has no route to AWS's public endpoints unless its subnets have one. ${FIX}`,
    PlldbErrorType.Unreachable,
    'endpoint_unreachable',
  );
}

/** The caller's error for execute-api's 403 through a private-DNS VPC endpoint. */
export function privateDnsError(err: unknown): PlldbError {
  return new PlldbError(
    `PostToConnection to PLLDB's WebSocket API was refused with 403 (${(err as Error).message}): the function's VPC has an execute-api interface endpoint with private DNS, which takes every *.execute-api address, and such an endpoint serves only private APIs. Turn off private DNS on that endpoint, or run the function in subnets whose VPC has none; the subnets also need a NAT gateway to reach the public API. Or detach PLLDB (\`plldb detach\`).`,
    PlldbErrorType.Unreachable,
    'execute_api_forbidden',
  );
}

/** Runs one call to `endpoint`, turning "never got there" into the error that names the endpoint and the fix. */
export async function reaching<T>(endpoint: AwsEndpoint, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (isUnreachable(err)) throw unreachableError(endpoint, err);
    throw err;
  }
}
