import { DeleteRolePolicyCommand, GetRolePolicyCommand, IAMClient, PutRolePolicyCommand, TagRoleCommand, UntagRoleCommand } from '@aws-sdk/client-iam';
import { explainAwsError } from '../errors.js';

/** IAM inline role policies (Get / Put / DeleteRolePolicy) and role tags (TagRole / UntagRole). */
export interface RolePolicyApi {
  /** The policy document (JSON text), or undefined when the role has no such policy. */
  get(roleName: string, policyName: string): Promise<string | undefined>;
  put(roleName: string, policyName: string, document: string): Promise<void>;
  /** Deleting a policy that is not there is not an error. */
  delete(roleName: string, policyName: string): Promise<void>;
  tag(roleName: string, key: string, value: string): Promise<void>;
  /** Removing a tag that is not there is not an error. */
  untag(roleName: string, key: string): Promise<void>;
}

export function iamRolePolicyApi(client: IAMClient): RolePolicyApi {
  return {
    async get(roleName, policyName) {
      try {
        const out = await client.send(new GetRolePolicyCommand({ RoleName: roleName, PolicyName: policyName }));
        // IAM returns the document URL-encoded.
        return out.PolicyDocument === undefined ? undefined : decodeURIComponent(out.PolicyDocument);
      } catch (err) {
        if ((err as Error).name === 'NoSuchEntityException') return undefined;
        throw explainAwsError(err, `read policy ${policyName} of role ${roleName}`);
      }
    },
    async put(roleName, policyName, document) {
      try {
        await client.send(new PutRolePolicyCommand({ RoleName: roleName, PolicyName: policyName, PolicyDocument: document }));
      } catch (err) {
        throw explainAwsError(err, `put policy ${policyName} on role ${roleName}`);
      }
    },
    async delete(roleName, policyName) {
      try {
        await client.send(new DeleteRolePolicyCommand({ RoleName: roleName, PolicyName: policyName }));
      } catch (err) {
        if ((err as Error).name === 'NoSuchEntityException') return;
        throw explainAwsError(err, `delete policy ${policyName} of role ${roleName}`);
      }
    },
      async tag(roleName, key, value) {
      try {
        await client.send(new TagRoleCommand({ RoleName: roleName, Tags: [{ Key: key, Value: value }] }));
      } catch (err) {
        throw explainAwsError(err, `tag role ${roleName} with ${key}`);
      }
    },
    async untag(roleName, key) {
      try {
        await client.send(new UntagRoleCommand({ RoleName: roleName, TagKeys: [key] }));
      } catch (err) {
        if ((err as Error).name === 'NoSuchEntityException') return;
        throw explainAwsError(err, `remove tag ${key} from role ${roleName}`);
      }
    },
  };
}
