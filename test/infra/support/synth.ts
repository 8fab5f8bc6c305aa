import { afterAll, beforeAll } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { createApp } from '../../../infra/lib/app.js';
import type { PlldbStack } from '../../../infra/lib/plldb-stack.js';

/**
 * Synthesizes the helper stack as `cdk synth` would (same app, cdk-nag included), but with
 * assets referenced in place instead of copied: the standalone layers are ~120 MB each.
 */
export function synthesize(context: Record<string, string> = {}): { stack: PlldbStack; template: Template; cleanup: () => void } {
  const outdir = mkdtempSync(join(tmpdir(), 'plldb-synth-'));
  const { stack } = createApp({ outdir, context: { 'aws:cdk:disable-asset-staging': true, 'aws:cdk:enable-asset-metadata': true, ...context } });
  return { stack, template: Template.fromStack(stack), cleanup: () => rmSync(outdir, { recursive: true, force: true }) };
}

/** One synthesis shared by the tests of a file (synthesis takes seconds); read it inside tests. */
export function synthesizeOnce(context: Record<string, string> = {}): { stack: PlldbStack; template: Template } {
  const shared = {} as { stack: PlldbStack; template: Template };
  let cleanup = () => {};
  beforeAll(() => {
    ({ stack: shared.stack, template: shared.template, cleanup } = synthesize(context));
  });
  afterAll(() => cleanup());
  return shared;
}

/** A CloudFormation value as text: `Ref`/`GetAtt` become `<LogicalId>` / `<LogicalId.Attr>`, joins are joined. */
export function cfnText(value: unknown): string {
  if (typeof value === 'string') return value;
  const v = value as Record<string, unknown>;
  if (typeof v.Ref === 'string') return `<${v.Ref}>`;
  if (Array.isArray(v['Fn::GetAtt'])) return `<${(v['Fn::GetAtt'] as string[]).join('.')}>`;
  if (Array.isArray(v['Fn::Join'])) {
    const [sep, parts] = v['Fn::Join'] as [string, unknown[]];
    return parts.map(cfnText).join(sep);
  }
  return JSON.stringify(value);
}

export interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: unknown;
}

/** The statements of every identity policy attached to the role with this logical id. */
export function statementsOfRole(template: Template, roleLogicalId: string): { actions: string[]; resources: string[] }[] {
  const policies = Object.values(template.findResources('AWS::IAM::Policy')) as { Properties: { Roles: { Ref: string }[]; PolicyDocument: { Statement: Statement[] } } }[];
  return policies
    .filter((p) => p.Properties.Roles.some((r) => r.Ref === roleLogicalId))
    .flatMap((p) => p.Properties.PolicyDocument.Statement)
    .map((s) => ({ actions: [s.Action].flat(), resources: [s.Resource].flat().map(cfnText) }));
}
