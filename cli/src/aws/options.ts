import { fromNodeProviderChain } from '@aws-sdk/credential-providers';

/** `--region` / `--profile`: unset means the SDK's defaults (AWS_REGION, AWS_PROFILE, config files). */
export interface AwsOptions {
  region?: string;
  profile?: string;
}

/**
 * Configuration every SDK client of the CLI is built with. Endpoints are left to the SDK, so
 * AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_<SERVICE> (the sandbox) work by environment alone.
 */
export function clientConfig(options: AwsOptions): { region?: string; profile?: string } {
  return {
    ...(options.region ? { region: options.region } : {}),
    ...(options.profile ? { profile: options.profile } : {}),
  };
}

export type CredentialProvider = ReturnType<typeof fromNodeProviderChain>;

/** The user's default credential chain (honouring --profile), for signing outside an SDK client. */
export function credentialProvider(options: AwsOptions): CredentialProvider {
  return fromNodeProviderChain(options.profile ? { profile: options.profile } : {});
}
