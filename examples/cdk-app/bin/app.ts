// A sample CDK app for `plldb discover` and `plldb debug` without --function (README, second demo path).
import { App } from 'aws-cdk-lib';
import { ShopStack } from '../lib/shop-stack';

const app = new App();
new ShopStack(app, 'PlldbSampleShop');
app.synth();
