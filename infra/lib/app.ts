import { App, Validations } from 'aws-cdk-lib';
import type { AppProps } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { stackNames } from './names.js';
import { PlldbStack } from './plldb-stack.js';

/**
 * Context keys: `cdk synth -c prefix=Dev -c stackName=MyPLLDB`; `-c tableKeyArn=arn:aws:kms:...`
 * encrypts the request table with that KMS key instead of the AWS owned key.
 */
export const ContextKey = { Prefix: 'prefix', StackName: 'stackName', TableKeyArn: 'tableKeyArn' } as const;

/**
 * The CDK app: one helper stack, checked with cdk-nag's AwsSolutions pack; acknowledged
 * findings and their reasons are written into the template's metadata.
 */
export function createApp(props: AppProps = {}): { app: App; stack: PlldbStack } {
  const app = new App(props);
  const prefix = contextString(app, ContextKey.Prefix) ?? '';
  const names = stackNames(prefix);
  const stackName = contextString(app, ContextKey.StackName) ?? names.stackName;
  const tableEncryptionKeyArn = contextString(app, ContextKey.TableKeyArn);
  const stack = new PlldbStack(app, stackName, { stackName, names, ...(tableEncryptionKeyArn !== undefined ? { tableEncryptionKeyArn } : {}) });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { writeSuppressionsToCloudFormation: true }));
  return { app, stack };
}

function contextString(app: App, key: string): string | undefined {
  const value: unknown = app.node.tryGetContext(key);
  return typeof value === 'string' && value !== '' ? value : undefined;
}
