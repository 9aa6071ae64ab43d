import * as pulumi from '@pulumi/pulumi';
import { CONFIG_NAMESPACE, parseStackConfig, type RawStackConfig, type StackConfig } from './stack-config.ts';

export const CONFIG_KEYS = ['accountId', 'domain', 'zone', 'workersDevSubdomain', 'allowedOrigins', 'jwtSecret'] as const;

/**
 * The selected stack's configuration, validated before any resource is declared. Values are read raw so the
 * secret can be length-checked here; the deployment wraps it in `pulumi.secret` before it goes anywhere.
 */
export function readStackConfig(): StackConfig {
  const raw: RawStackConfig = Object.fromEntries(
    CONFIG_KEYS.map((key) => [key, pulumi.runtime.getConfig(`${CONFIG_NAMESPACE}:${key}`)]),
  );
  return parseStackConfig(pulumi.getStack(), raw);
}

/**
 * The API token the Cloudflare provider uses, when it comes from the stack (`cloudflare:apiToken`). Absent, the
 * provider and wrangler both read CLOUDFLARE_API_TOKEN from the environment.
 */
export function readCloudflareApiToken(): pulumi.Output<string> | undefined {
  return new pulumi.Config('cloudflare').getSecret('apiToken');
}
