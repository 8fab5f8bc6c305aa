import { describe, expect, it } from '@jest/globals';
import { AwsSolutionsChecks } from 'cdk-nag';
import { DEFAULT_QUEUE_PREFIX, StackOutput } from '../../protocol/index.js';
import { stackNames } from '../../infra/lib/names.js';
import { statementsOfRole, synthesizeOnce } from './support/synth.js';

describe('stackNames', () => {
  it('gives the contract names without a prefix', () => {
    expect(stackNames()).toEqual({
      stackName: 'PLLDB',
      tableName: 'PLLDBDebugger',
      roleName: 'PLLDBDebuggerRole',
      webSocketApiName: 'PLLDBWebSocket',
      queuePrefix: 'plldb-',
      resourcePrefix: 'PLLDB',
    });
  });

  it("keeps a prefixed stack's queues outside the default prefix", () => {
    const names = stackNames('Dev');
    expect(names.stackName).toBe('DevPLLDB');
    expect(names.tableName).toBe('DevPLLDBDebugger');
    expect(names.queuePrefix).toBe('dev-plldb-');
    expect(names.queuePrefix.startsWith(DEFAULT_QUEUE_PREFIX)).toBe(false);
  });

  it.each(['dev-1', '1dev', 'A'.repeat(17), 'has space'])('refuses the prefix %j and says what is allowed', (prefix) => {
    expect(() => stackNames(prefix)).toThrow(/must start with a letter and have at most 16 letters or digits/);
  });
});

describe('a second stack in the same account (-c prefix=Dev -c stackName=MyDev)', () => {
  const synth = synthesizeOnce({ prefix: 'Dev', stackName: 'MyDev' });

  it('names every named resource with the prefix', () => {
    expect(synth.stack.stackName).toBe('MyDev');
    synth.template.hasResourceProperties('AWS::DynamoDB::Table', { TableName: 'DevPLLDBDebugger' });
    synth.template.hasResourceProperties('AWS::IAM::Role', { RoleName: 'DevPLLDBDebuggerRole' });
    synth.template.hasResourceProperties('AWS::ApiGatewayV2::Api', { Name: 'DevPLLDBWebSocket' });
    for (const layer of ['DevPLLDBNode', 'DevPLLDBStandaloneX8664', 'DevPLLDBStandaloneArm64']) {
      synth.template.hasResourceProperties('AWS::Lambda::LayerVersion', { LayerName: layer });
    }
    synth.template.hasOutput(StackOutput.QueuePrefix, { Value: 'dev-plldb-' });
  });

  it('reaches only its own queues', () => {
    const [role] = Object.keys(synth.template.findResources('AWS::IAM::Role', { Properties: { RoleName: 'DevPLLDBDebuggerRole' } }));
    const queueResources = statementsOfRole(synth.template, role as string).filter((s) => s.actions.some((a) => a.startsWith('sqs:'))).flatMap((s) => s.resources);
    expect(queueResources).toEqual(['arn:<AWS::Partition>:sqs:<AWS::Region>:<AWS::AccountId>:dev-plldb-*']);
  });

  it('passes cdk-nag too (its acknowledgements follow the prefix)', () => {
    expect(new AwsSolutionsChecks().validateScope(synth.stack).violations).toEqual([]);
  });
});
