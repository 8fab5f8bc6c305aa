import { SANDBOX_CREDENTIALS, SANDBOX_REGION } from '../../sandbox/constants.js';

/** Dummy credentials and region for the real SDK clients (no test may need AWS credentials). */
export function sandboxClientConfig(endpoint: string) {
  return { endpoint, region: SANDBOX_REGION, credentials: { ...SANDBOX_CREDENTIALS }, maxAttempts: 1 };
}

process.env.AWS_ACCESS_KEY_ID = SANDBOX_CREDENTIALS.accessKeyId;
process.env.AWS_SECRET_ACCESS_KEY = SANDBOX_CREDENTIALS.secretAccessKey;
process.env.AWS_REGION = SANDBOX_REGION;
