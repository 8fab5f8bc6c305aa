import { describe, expect, it } from '@jest/globals';
import { AwsSolutionsChecks } from 'cdk-nag';
import { DEFAULT_ROLE_NAME } from '../../protocol/index.js';
import { ContextKey } from '../../infra/lib/app.js';
import { statementsOfRole, synthesizeOnce } from './support/synth.js';

const KEY_ARN = 'arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555';
const synth = synthesizeOnce({ [ContextKey.TableKeyArn]: KEY_ARN });

describe('the request table with a key the user opted into (-c tableKeyArn=...)', () => {
  it('is encrypted with that key', () => {
    synth.template.hasResourceProperties('AWS::DynamoDB::Table', { SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: KEY_ARN } });
  });

  it('lets the runtime role use the key, with named actions only', () => {
    const [role] = Object.keys(synth.template.findResources('AWS::IAM::Role', { Properties: { RoleName: DEFAULT_ROLE_NAME } }));
    const kms = statementsOfRole(synth.template, role as string).filter((st) => st.actions.some((a) => a.startsWith('kms:')));
    expect(kms).toEqual([{ actions: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:DescribeKey'], resources: [KEY_ARN] }]);
  });

  it('still passes cdk-nag AwsSolutions', () => {
    expect(new AwsSolutionsChecks().validateScope(synth.stack).violations).toEqual([]);
  });
});
