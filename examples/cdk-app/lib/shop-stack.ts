import * as path from 'node:path';
import { Stack, type StackProps } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { Construct } from 'constructs';

/** Two functions, one TypeScript (bundled by NodejsFunction) and one Python (a code folder). */
export class ShopStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    new NodejsFunction(this, 'PlaceOrder', {
      entry: path.join(__dirname, '../src/orders.ts'),
      handler: 'placeOrder',
      runtime: lambda.Runtime.NODEJS_22_X,
    });
    new lambda.Function(this, 'PriceQuote', {
      runtime: lambda.Runtime.PYTHON_3_12,
      handler: 'quote.handler',
      code: lambda.Code.fromAsset(path.join(__dirname, '../python')),
    });
  }
}
