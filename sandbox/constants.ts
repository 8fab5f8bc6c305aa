import { DEFAULT_STACK_NAME } from '../protocol/index.js';

/** The sandbox's pretend account and region: every ARN and URL it hands out uses these. */
export const SANDBOX_ACCOUNT_ID = '123456789012';
export const SANDBOX_REGION = 'us-east-1';
export const SANDBOX_STACK_NAME = DEFAULT_STACK_NAME;
/** Dummy credentials: the sandbox accepts any, tests and the demo set these. */
export const SANDBOX_CREDENTIALS = { accessKeyId: 'AKIASANDBOX000000000', secretAccessKey: 'sandbox-secret-key' } as const;

/** Layer ARNs the sandbox serves, each backed by a folder of `npm run build`. */
export const SANDBOX_LAYERS = {
  node: { arn: `arn:aws:lambda:${SANDBOX_REGION}:${SANDBOX_ACCOUNT_ID}:layer:PLLDBLayer:1`, dir: 'dist/layer' },
  standaloneX8664: { arn: `arn:aws:lambda:${SANDBOX_REGION}:${SANDBOX_ACCOUNT_ID}:layer:PLLDBLayerStandaloneX8664:1`, dir: 'dist/layer-standalone-x86_64' },
  standaloneArm64: { arn: `arn:aws:lambda:${SANDBOX_REGION}:${SANDBOX_ACCOUNT_ID}:layer:PLLDBLayerStandaloneArm64:1`, dir: 'dist/layer-standalone-arm64' },
} as const;

/** GetCallerIdentity's UserId and SQS's SenderId for a caller that is no role session (an IAM user's unique id). */
export const SANDBOX_USER_ID = 'AIDASANDBOXUSER00000';

/**
 * Role ids of the execution roles the sandbox's callers stand for (AWS: `AROA` + 17 characters);
 * a role session's SenderId is `{role id}:{session name}`, and Lambda names the session after the function.
 */
export const SANDBOX_ROLE_IDS = {
  relay: 'AROASANDBOXRELAYROLE0',
  routes: 'AROASANDBOXROUTESROLE',
  functions: 'AROASANDBOXFUNCTIONS0',
} as const;
