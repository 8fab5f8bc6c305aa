import { requestId } from '../common/ids.js';
import { escapeXml } from '../common/xml.js';

/** An awsQuery error: the code, the HTTP status and whether the caller (Sender) is at fault. */
export class QueryError extends Error {
  override readonly name = 'QueryError';
  constructor(
    readonly code: string,
    message: string,
    readonly statusCode = 400,
    readonly type: 'Sender' | 'Receiver' = 'Sender',
  ) {
    super(message);
  }
}

/** One awsQuery service: the actions it serves and its XML namespace. */
export interface QueryService {
  /** The service's name in request metrics. */
  readonly serviceName: string;
  readonly namespace: string;
  readonly actions: ReadonlySet<string>;
  handle(action: string, params: URLSearchParams): QueryResponse;
}

export interface QueryResponse {
  status: number;
  body: string;
}

/** A value tree rendered as awsQuery XML: arrays become `<member>` lists. */
export type XmlValue = string | number | boolean | undefined | XmlValue[] | { [key: string]: XmlValue };

/** `<{Action}Response xmlns><{Action}Result>...</{Action}Result><ResponseMetadata/></{Action}Response>`. */
export function queryResult(action: string, namespace: string, result: Record<string, XmlValue>): QueryResponse {
  const body =
    `<${action}Response xmlns="${namespace}">` +
    `<${action}Result>${renderXml(result)}</${action}Result>` +
    `<ResponseMetadata><RequestId>${requestId()}</RequestId></ResponseMetadata>` +
    `</${action}Response>`;
  return { status: 200, body };
}

/** Operations with no result element (e.g. PutRolePolicy). */
export function queryEmptyResult(action: string, namespace: string): QueryResponse {
  return { status: 200, body: `<${action}Response xmlns="${namespace}"><ResponseMetadata><RequestId>${requestId()}</RequestId></ResponseMetadata></${action}Response>` };
}

export function queryErrorResponse(error: QueryError, namespace: string): QueryResponse {
  const body =
    `<ErrorResponse xmlns="${namespace}">` +
    `<Error><Type>${error.type}</Type><Code>${escapeXml(error.code)}</Code><Message>${escapeXml(error.message)}</Message></Error>` +
    `<RequestId>${requestId()}</RequestId></ErrorResponse>`;
  return { status: error.statusCode, body };
}

/** A required parameter, or the ValidationError AWS answers when it is missing. */
export function requireParam(params: URLSearchParams, name: string): string {
  const value = params.get(name);
  if (value === null || value === '') {
    throw new QueryError('ValidationError', `1 validation error detected: Value null at '${name[0]?.toLowerCase()}${name.slice(1)}' failed to satisfy constraint: Member must not be null`);
  }
  return value;
}

function renderXml(value: Record<string, XmlValue>): string {
  return Object.entries(value)
    .filter(([, v]) => v !== undefined)
    .map(([key, v]) => `<${key}>${renderValue(v)}</${key}>`)
    .join('');
}

function renderValue(value: XmlValue): string {
  if (Array.isArray(value)) return value.map((item) => `<member>${renderValue(item)}</member>`).join('');
  if (typeof value === 'object') return renderXml(value);
  return escapeXml(String(value));
}
