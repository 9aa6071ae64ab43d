import * as pulumi from '@pulumi/pulumi';
import { workerManifest } from '../worker/manifest.ts';
import { hashAppSources } from './app-upload.ts';
import { readCloudflareApiToken, readStackConfig } from './config.ts';
import { P2pClinicDeployment } from './deployment.ts';
import { readWorkerBundle } from './worker-bundle.ts';

export interface ProgramPaths {
  readonly repositoryRoot: string;
  /** Where `npm run build:worker` left the Worker bundle. */
  readonly workerDistDir: string;
}

export interface ProgramOutputs {
  readonly workerUrl: pulumi.Output<string>;
  readonly appUrl: pulumi.Output<string>;
  readonly embedSnippet: pulumi.Output<string>;
}

/** The selected stack's team deployment. Configuration is validated before the bundle is read or anything declared. */
export function deployTeam(paths: ProgramPaths): ProgramOutputs {
  const team = pulumi.getStack();
  const config = readStackConfig();
  const deployment = new P2pClinicDeployment(team, {
    team,
    config,
    manifest: workerManifest,
    workerBundle: readWorkerBundle(paths.repositoryRoot, paths.workerDistDir),
    appSourceHash: hashAppSources(paths.repositoryRoot),
    repositoryRoot: paths.repositoryRoot,
    cloudflareApiToken: readCloudflareApiToken(),
  });
  return { workerUrl: deployment.workerUrl, appUrl: deployment.appUrl, embedSnippet: deployment.embedSnippet };
}
