import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { distPath } from './assets.js';

const NODE_RUNTIMES = [lambda.Runtime.NODEJS_22_X, lambda.Runtime.NODEJS_24_X];

/**
 * Runtimes the standalone layers serve: Python (its own Node.js runs PLLDB's runtime), and Node.js.
 * Not the OS-only runtimes (provided.*): Lambda ignores AWS_LAMBDA_EXEC_WRAPPER there, so the
 * function would keep its own bootstrap. Not Java, .NET or Ruby: `plldb debug` runs handlers
 * locally with Node.js or Python only. `plldb attach` refuses those runtimes with the same reasons.
 */
const STANDALONE_RUNTIMES = [lambda.Runtime.PYTHON_3_12, lambda.Runtime.PYTHON_3_13, lambda.Runtime.PYTHON_3_14, ...NODE_RUNTIMES];

/** The debugger runtime layers (`AWS_LAMBDA_EXEC_WRAPPER=/opt/bin/bootstrap`). */
export class DebuggerLayers extends Construct {
  readonly nodeLayer: lambda.LayerVersion;
  readonly standaloneX8664: lambda.LayerVersion;
  readonly standaloneArm64: lambda.LayerVersion;

  constructor(scope: Construct, id: string, props: { resourcePrefix: string }) {
    super(scope, id);
    this.nodeLayer = new lambda.LayerVersion(this, 'Node', {
      layerVersionName: `${props.resourcePrefix}Node`,
      description: 'PLLDB debugger runtime for Node.js functions (uses the function runtime\'s node)',
      code: lambda.Code.fromAsset(distPath('layer')),
      compatibleRuntimes: NODE_RUNTIMES,
      compatibleArchitectures: [lambda.Architecture.X86_64, lambda.Architecture.ARM_64],
    });
    const standalone = (layerId: string, folder: string, architecture: lambda.Architecture) =>
      new lambda.LayerVersion(this, layerId, {
        layerVersionName: `${props.resourcePrefix}${layerId}`,
        description: `PLLDB debugger runtime with its own Node.js (${architecture.name}), for Python (and Node.js) functions`,
        code: lambda.Code.fromAsset(distPath(folder)),
        compatibleRuntimes: STANDALONE_RUNTIMES,
        compatibleArchitectures: [architecture],
      });
    this.standaloneX8664 = standalone('StandaloneX8664', 'layer-standalone-x86_64', lambda.Architecture.X86_64);
    this.standaloneArm64 = standalone('StandaloneArm64', 'layer-standalone-arm64', lambda.Architecture.ARM_64);
  }
}
