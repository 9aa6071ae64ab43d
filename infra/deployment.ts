import * as cloudflare from '@pulumi/cloudflare';
import * as command from '@pulumi/command';
import * as pulumi from '@pulumi/pulumi';
import * as random from '@pulumi/random';
import type { WorkerManifest } from '../worker/manifest.ts';
import { APP_UPLOAD_COMMAND, PAGES_PRODUCTION_BRANCH, embedIntegrityFrom } from './app-upload.ts';
import { migrationsToApply } from './durable-object-migrations.ts';
import { embedSnippet } from './embed-snippet.ts';
import type { StackConfig, WorkerRoute } from './stack-config.ts';
import { resourceName } from './team-name.ts';
import { workerBindings } from './worker-bindings.ts';
import type { WorkerBundle } from './worker-bundle.ts';

export interface P2pClinicDeploymentArgs {
  readonly team: string;
  readonly config: StackConfig;
  readonly manifest: WorkerManifest;
  readonly workerBundle: WorkerBundle;
  /** Digest of the app's sources (see app-upload.ts); a new digest re-uploads the app. */
  readonly appSourceHash: string;
  /** Where the upload command runs: the repository root. */
  readonly repositoryRoot: string;
  /** From `cloudflare:apiToken`; absent, wrangler reads CLOUDFLARE_API_TOKEN like the provider does. */
  readonly cloudflareApiToken?: pulumi.Input<string> | undefined;
}

/** A generated JWT secret: 64 characters from a 62-letter alphabet, about 380 bits. */
export const GENERATED_JWT_SECRET_LENGTH = 64;

/** The Worker's secret binding that signs the API's tokens. */
const JWT_SECRET_BINDING = 'JWT_SECRET';
/** The Worker's plain binding listing the browser origins it answers. */
const ALLOWED_ORIGINS_BINDING = 'ALLOWED_ORIGINS';

function workerUrlFor(scriptName: string, route: WorkerRoute): string {
  return route.kind === 'custom-domain'
    ? `https://${route.hostname}`
    : `https://${scriptName}.${route.accountSubdomain}.workers.dev`;
}

/** Everything one team runs in its own Cloudflare account: the Worker with its storage, and the app on Pages. */
export class P2pClinicDeployment extends pulumi.ComponentResource {
  readonly workerUrl: pulumi.Output<string>;
  readonly appUrl: pulumi.Output<string>;
  readonly embedSnippet: pulumi.Output<string>;

  constructor(name: string, args: P2pClinicDeploymentArgs, opts?: pulumi.ComponentResourceOptions) {
    super('p2p-clinic:index:P2pClinicDeployment', name, {}, opts);
    const { config, manifest } = args;
    const accountId = config.accountId;
    const scriptName = resourceName(args.team);
    const child = { parent: this };

    // Wrapped explicitly: the generated password's secrecy should not rest on the provider schema alone.
    const jwtSecret = pulumi.secret(
      config.jwtSecret ??
        new random.RandomPassword(`${name}-jwt-secret`, { length: GENERATED_JWT_SECRET_LENGTH, special: false }, child)
          .result,
    );

    const kvNamespaceIds = Object.fromEntries(
      manifest.kvNamespaces.map((kv) => [
        kv.binding,
        new cloudflare.WorkersKvNamespace(`${name}-${kv.binding.toLowerCase()}`, { accountId, title: `${scriptName}-${kv.binding}` }, child)
          .id,
      ]),
    );

    const pages = new cloudflare.PagesProject(
      `${name}-app`,
      { accountId, name: scriptName, productionBranch: PAGES_PRODUCTION_BRANCH },
      child,
    );
    this.appUrl = pulumi.interpolate`https://${pages.subdomain}`;
    const workerUrl = workerUrlFor(scriptName, config.route);
    this.workerUrl = pulumi.output(workerUrl);

    const allowedOrigins = this.appUrl.apply((appUrl) => [...new Set([appUrl, ...config.allowedOrigins])].join(','));

    const deployedScripts = cloudflare.getWorkersScriptsOutput({ accountId }, child);
    const migrations = deployedScripts.apply((listed) =>
      migrationsToApply(manifest.migrations, listed.results.find((script) => script.id === scriptName)?.migrationTag),
    );

    const worker = new cloudflare.WorkersScript(
      `${name}-worker`,
      {
        accountId,
        scriptName,
        mainModule: args.workerBundle.mainModule,
        content: args.workerBundle.content,
        compatibilityDate: manifest.compatibilityDate,
        bindings: workerBindings(manifest, {
          kvNamespaceIds,
          secrets: { [JWT_SECRET_BINDING]: jwtSecret },
          vars: { [ALLOWED_ORIGINS_BINDING]: allowedOrigins },
        }),
        migrations,
      },
      child,
    );

    new cloudflare.WorkersScriptSubdomain(
      `${name}-workers-dev`,
      { accountId, scriptName: worker.scriptName, enabled: config.route.kind === 'workers-dev', previewsEnabled: false },
      child,
    );
    if (config.route.kind === 'custom-domain') {
      new cloudflare.WorkersCustomDomain(
        `${name}-domain`,
        { accountId, hostname: config.route.hostname, service: worker.scriptName, zoneName: config.route.zoneName },
        child,
      );
    }

    const upload = new command.local.Command(
      `${name}-app-upload`,
      {
        create: APP_UPLOAD_COMMAND,
        dir: args.repositoryRoot,
        environment: {
          VITE_WORKER_URL: workerUrl,
          PAGES_PROJECT: pages.name,
          PAGES_BRANCH: PAGES_PRODUCTION_BRANCH,
          CLOUDFLARE_ACCOUNT_ID: accountId,
          ...(args.cloudflareApiToken === undefined ? {} : { CLOUDFLARE_API_TOKEN: pulumi.secret(args.cloudflareApiToken) }),
        },
        triggers: [args.appSourceHash, workerUrl],
      },
      { parent: this, dependsOn: [pages, worker] },
    );

    this.embedSnippet = pulumi
      .all([this.appUrl, upload.stdout])
      .apply(([appUrl, uploadOutput]) => embedSnippet(appUrl, workerUrl, embedIntegrityFrom(uploadOutput)));
    this.registerOutputs({ workerUrl: this.workerUrl, appUrl: this.appUrl, embedSnippet: this.embedSnippet });
  }
}
