import { QueryError, type QueryService, queryEmptyResult, queryResult, requireParam, type QueryResponse } from './query-protocol.js';

const NAMESPACE = 'https://iam.amazonaws.com/doc/2010-05-08/';
const POLICY_NAME = /^[\w+=,.@-]{1,128}$/;
const MAX_ROLE_TAGS = 50;

export interface IamServiceOptions {
  /** Role names that exist besides those `roleNames` reports. */
  roles?: string[];
  /** Roles known elsewhere (e.g. the hosted functions' execution roles), asked on each call. */
  roleNames?: () => Iterable<string>;
}

/** IAM's inline role policies and role tags (awsQuery): Put/Get/Delete/ListRolePolicies, TagRole, UntagRole, ListRoleTags. */
export class IamService implements QueryService {
  readonly serviceName = 'IAM';
  readonly namespace = NAMESPACE;
  readonly actions: ReadonlySet<string> = new Set(['PutRolePolicy', 'GetRolePolicy', 'DeleteRolePolicy', 'ListRolePolicies', 'TagRole', 'UntagRole', 'ListRoleTags']);
  private readonly policies = new Map<string, Map<string, string>>();
  private readonly tags = new Map<string, Map<string, string>>();
  private readonly roles: Set<string>;

  constructor(private readonly options: IamServiceOptions = {}) {
    this.roles = new Set(options.roles ?? []);
  }

  /** The inline policy document as stored (decoded JSON), or undefined. */
  rolePolicy(roleName: string, policyName: string): string | undefined {
    return this.policies.get(roleName)?.get(policyName);
  }

  /** The role's tags (key -> value). */
  roleTags(roleName: string): Record<string, string> {
    return Object.fromEntries(this.tags.get(roleName) ?? []);
  }

  handle(action: string, params: URLSearchParams): QueryResponse {
    const roleName = requireParam(params, 'RoleName');
    this.requireRole(roleName);
    if (action === 'TagRole' || action === 'UntagRole' || action === 'ListRoleTags') return this.handleTags(action, roleName, params);
    const attached = this.policies.get(roleName) ?? new Map<string, string>();
    if (action === 'ListRolePolicies') {
      return queryResult(action, NAMESPACE, { PolicyNames: [...attached.keys()].sort(), IsTruncated: false });
    }
    const policyName = requireParam(params, 'PolicyName');
    if (!POLICY_NAME.test(policyName)) {
      throw new QueryError('ValidationError', `The specified value for policyName is invalid. It must contain only alphanumeric characters and/or the following: +=,.@_-`);
    }
    if (action === 'PutRolePolicy') {
      const document = requireParam(params, 'PolicyDocument');
      checkPolicyDocument(document);
      attached.set(policyName, document);
      this.policies.set(roleName, attached);
      return queryEmptyResult(action, NAMESPACE);
    }
    const document = attached.get(policyName);
    if (document === undefined) throw new QueryError('NoSuchEntity', `The role policy with name ${policyName} cannot be found.`, 404);
    if (action === 'DeleteRolePolicy') {
      attached.delete(policyName);
      return queryEmptyResult(action, NAMESPACE);
    }
    // IAM returns the document URL-encoded (RFC 3986); callers decode it.
    return queryResult(action, NAMESPACE, { RoleName: roleName, PolicyName: policyName, PolicyDocument: encodeRfc3986(document) });
  }

  /** Tags: `Tags.member.N.Key/Value` and `TagKeys.member.N` on the wire; at most 50 per role (IAM's quota). */
  private handleTags(action: string, roleName: string, params: URLSearchParams): QueryResponse {
    const tags = this.tags.get(roleName) ?? new Map<string, string>();
    if (action === 'ListRoleTags') {
      return queryResult(action, NAMESPACE, { Tags: [...tags].map(([Key, Value]) => ({ Key, Value })), IsTruncated: false });
    }
    if (action === 'TagRole') {
      for (let i = 1; params.has(`Tags.member.${i}.Key`); i += 1) tags.set(params.get(`Tags.member.${i}.Key`) as string, params.get(`Tags.member.${i}.Value`) ?? '');
      if (tags.size > MAX_ROLE_TAGS) throw new QueryError('LimitExceeded', `The number of tags has reached the maximum limit of ${MAX_ROLE_TAGS}.`, 409);
    } else {
      for (let i = 1; params.has(`TagKeys.member.${i}`); i += 1) tags.delete(params.get(`TagKeys.member.${i}`) as string);
    }
    this.tags.set(roleName, tags);
    return queryEmptyResult(action, NAMESPACE);
  }

  private requireRole(roleName: string): void {
    const known = new Set([...this.roles, ...(this.options.roleNames?.() ?? [])]);
    if (!known.has(roleName)) throw new QueryError('NoSuchEntity', `The role with name ${roleName} cannot be found.`, 404);
  }
}

function checkPolicyDocument(document: string): void {
  let parsed: unknown;
  try {
    parsed = JSON.parse(document);
  } catch {
    throw new QueryError('MalformedPolicyDocument', 'Syntax errors in policy.');
  }
  if (typeof parsed !== 'object' || parsed === null || !('Statement' in parsed)) {
    throw new QueryError('MalformedPolicyDocument', 'Policy document must contain a Statement.');
  }
}

function encodeRfc3986(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}
