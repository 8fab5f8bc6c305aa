import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { synthesizeOnce } from './support/synth.js';

const synth = synthesizeOnce();

type Suppression = { id: string; reason: string };

function suppressionsInTemplate(): Map<string, Suppression[]> {
  const found = new Map<string, Suppression[]>();
  for (const [id, resource] of Object.entries(synth.template.toJSON().Resources as Record<string, { Metadata?: { cdk_nag?: { rules_to_suppress: Suppression[] } } }>)) {
    const rules = resource.Metadata?.cdk_nag?.rules_to_suppress;
    if (rules) found.set(id, rules);
  }
  return found;
}

describe('cdk-nag AwsSolutions', () => {
  it('reports no unacknowledged finding', () => {
    const report = new AwsSolutionsChecks().validateScope(synth.stack);
    expect(report.violations).toEqual([]);
    expect(report.success).toBe(true);
  });

  it('writes every acknowledged finding with its reason into the template', () => {
    const suppressions = [...suppressionsInTemplate().values()].flat();
    expect(suppressions.length).toBeGreaterThan(0);
    for (const s of suppressions) expect(s.reason).toMatch(/\S{3,}.{40,}/);
    expect([...new Set(suppressions.map((s) => s.id.replace(/\[.*\]$/, '')))].sort()).toEqual([
      'AwsSolutions-APIG1',
      'AwsSolutions-APIG4',
      'AwsSolutions-IAM5',
      'AwsSolutions-SQS3',
    ]);
  });

  it('acknowledges wildcards one finding at a time, never a whole rule', () => {
    const iam5 = [...suppressionsInTemplate().values()].flat().filter((s) => s.id.startsWith('AwsSolutions-IAM5'));
    expect([...new Set(iam5.map((s) => s.id))].sort()).toEqual([
      expect.stringMatching(/^AwsSolutions-IAM5\[Resource::\*\]$/),
      expect.stringMatching(/^AwsSolutions-IAM5\[Resource::arn:<AWS::Partition>:execute-api:.*\/prod\/GET\/@connections\/\*\]$/),
      expect.stringMatching(/^AwsSolutions-IAM5\[Resource::arn:<AWS::Partition>:execute-api:.*\/prod\/POST\/@connections\/\*\]$/),
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:sqs:<AWS::Region>:<AWS::AccountId>:plldb-*]',
    ]);
  });

  it('is live: the same pack flags what nobody acknowledged, and synthesis refuses it', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'plldb-nag-'));
    const app = new App({ outdir });
    const other = new Stack(app, 'Other');
    new sqs.Queue(other, 'Plain');
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    expect(new AwsSolutionsChecks().validateScope(other).violations.map((v) => v.ruleName)).toEqual(expect.arrayContaining(['AwsSolutions-SQS3', 'AwsSolutions-SQS4']));
    try {
      expect(() => app.synth()).toThrow(/ERROR The SQS queue does not require requests to use SSL[\s\S]*Other\/Plain/);
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });
});
