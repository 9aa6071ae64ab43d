import * as pulumi from '@pulumi/pulumi';
import { EMBED_INTEGRITY_MARKER } from '../app-upload.ts';

/** A resource as the program declared it: its type token, name and inputs (secrets still wrapped). */
export interface DeclaredResource {
  readonly type: string;
  readonly name: string;
  readonly inputs: Record<string, unknown>;
}

/** A Worker already in the account, as the Cloudflare API lists it. */
export interface ListedScript {
  readonly id: string;
  readonly migrationTag: string;
}

export interface RecordingMocks {
  readonly declared: DeclaredResource[];
  ofType(type: string): DeclaredResource[];
  only(type: string): DeclaredResource;
}

export const TYPES = {
  kvNamespace: 'cloudflare:index/workersKvNamespace:WorkersKvNamespace',
  script: 'cloudflare:index/workersScript:WorkersScript',
  scriptSubdomain: 'cloudflare:index/workersScriptSubdomain:WorkersScriptSubdomain',
  customDomain: 'cloudflare:index/workersCustomDomain:WorkersCustomDomain',
  pagesProject: 'cloudflare:index/pagesProject:PagesProject',
  randomPassword: 'random:index/randomPassword:RandomPassword',
  localCommand: 'command:local:Command',
  deployment: 'p2p-clinic:index:P2pClinicDeployment',
} as const;

const LIST_SCRIPTS_TOKEN = 'cloudflare:index/getWorkersScripts:getWorkersScripts';

/** The embed integrity manifest the mocked app upload prints: two files, with SHA-384 values of the right shape. */
export const UPLOADED_EMBED_INTEGRITY = {
  'p2p-components.js': `sha384-${'A'.repeat(64)}`,
  'assets/lit-abc123.js': `sha384-${'B'.repeat(64)}`,
} as const;

/** What Cloudflare (or, for the app upload, the build and wrangler) would compute for a new resource, from its inputs. */
function computedState(type: string, inputs: Record<string, unknown>): Record<string, unknown> {
  if (type === TYPES.pagesProject) return { subdomain: `${String(inputs['name'])}.pages.dev` };
  if (type === TYPES.randomPassword) return { result: 'g'.repeat(Number(inputs['length'])) };
  if (type === TYPES.localCommand) {
    const printed = ['vite v7 building for production...', '✨ Deployment complete!', `${EMBED_INTEGRITY_MARKER}${JSON.stringify(UPLOADED_EMBED_INTEGRITY)}`];
    return { stdout: printed.join('\n'), stderr: '' };
  }
  return {};
}

/** Installs mocks that answer like Cloudflare and record every declaration. Call before declaring resources. */
export function installMocks(stack: string, listedScripts: readonly ListedScript[] = []): RecordingMocks {
  const declared: DeclaredResource[] = [];
  const mocks: pulumi.runtime.Mocks = {
    newResource(args) {
      declared.push({ type: args.type, name: args.name, inputs: args.inputs });
      return { id: `${args.name}-id`, state: { ...args.inputs, ...computedState(args.type, args.inputs) } };
    },
    call(args) {
      if (args.token === LIST_SCRIPTS_TOKEN) return { results: listedScripts };
      throw new Error(`unexpected invoke ${args.token}`);
    },
  };
  pulumi.runtime.setMocks(mocks, 'p2p-clinic', stack, false);
  const ofType = (type: string) => declared.filter((resource) => resource.type === type);
  return {
    declared,
    ofType,
    only(type) {
      const [resource, ...others] = ofType(type);
      if (resource === undefined || others.length > 0) throw new Error(`expected exactly one ${type}, got ${others.length + (resource ? 1 : 0)}`);
      return resource;
    },
  };
}

/** The value of an output once the mocked engine has resolved it. */
export function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply(resolve));
}

/** A declared input with every secret wrapper removed, for comparing arguments. */
export function plain(value: unknown): unknown {
  const unwrapped: unknown = pulumi.runtime.unwrapRpcSecret(value);
  if (Array.isArray(unwrapped)) return unwrapped.map(plain);
  if (unwrapped !== null && typeof unwrapped === 'object') {
    return Object.fromEntries(Object.entries(unwrapped).map(([key, inner]) => [key, plain(inner)]));
  }
  return unwrapped;
}

/**
 * Waits until every declared resource has reached the mocks: a resource whose inputs wait on an invoke or another
 * resource registers later. `waitForRPCs` is the SDK's own drain of pending registrations (internal, untyped).
 */
export async function settled(): Promise<void> {
  await (pulumi.runtime as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs();
}
