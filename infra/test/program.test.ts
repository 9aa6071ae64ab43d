import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import { describe, expect, it } from 'vitest';
import type { ProgramPaths } from '../program.ts';
import { installMocks, plain, settled, TYPES, valueOf } from './pulumi-mocks.ts';

const TEAM = 'acme';
const BUNDLE = 'export default { fetch() { return new Response("relay"); } };';

/** A checkout with (or without) a built Worker bundle. */
function checkout({ built }: { built: boolean }): ProgramPaths {
  const repositoryRoot = mkdtempSync(join(tmpdir(), 'p2p-clinic-program-'));
  const workerDistDir = join(repositoryRoot, 'worker', 'dist');
  if (built) {
    mkdirSync(workerDistDir, { recursive: true });
    writeFileSync(join(workerDistDir, 'index.js'), BUNDLE);
  }
  return { repositoryRoot, workerDistDir };
}

/** Stack configuration as `pulumi config set` leaves it; `secrets` lists the keys set with --secret. */
function stackConfig(values: Record<string, string>, secrets: string[] = []): void {
  const base = { 'p2p-clinic:accountId': '0123456789abcdef0123456789abcdef', 'p2p-clinic:workersDevSubdomain': 'acme-clinic' };
  pulumi.runtime.setAllConfig({ ...base, ...values }, secrets);
}

async function runProgram(paths: ProgramPaths) {
  const mocks = installMocks(TEAM);
  const { deployTeam } = await import('../program.ts');
  const outputs = deployTeam(paths);
  return { mocks, outputs };
}

describe('the Pulumi program', () => {
  it('refuses invalid stack configuration before it looks for the Worker bundle', async () => {
    stackConfig({ 'p2p-clinic:accountId': 'not-an-account' });
    await expect(runProgram(checkout({ built: false }))).rejects.toThrow(
      /Invalid configuration of stack "acme":\n {2}- p2p-clinic:accountId: "not-an-account" is not a Cloudflare account id/,
    );
  });

  it('asks for `npm run build` when the Worker bundle is missing', async () => {
    stackConfig({});
    await expect(runProgram(checkout({ built: false }))).rejects.toThrow(
      'The Worker bundle worker/dist/index.js is missing: run `npm run build`',
    );
  });

  it("uploads the built bundle and outputs the stack's URLs", async () => {
    stackConfig({});
    const { mocks, outputs } = await runProgram(checkout({ built: true }));
    expect(await valueOf(outputs.workerUrl)).toBe('https://p2p-clinic-acme.acme-clinic.workers.dev');
    expect(await valueOf(outputs.appUrl)).toBe('https://p2p-clinic-acme.pages.dev');
    await settled();
    expect(mocks.only(TYPES.script).inputs['content']).toBe(BUNDLE);
  });

  it('binds the JWT secret set with `pulumi config set --secret` and keeps it secret', async () => {
    const secret = 'stack-jwt-secret-0123456789abcdef0123456789';
    stackConfig({ 'p2p-clinic:jwtSecret': secret }, ['p2p-clinic:jwtSecret']);
    const { mocks } = await runProgram(checkout({ built: true }));
    await settled();
    const bindings = mocks.only(TYPES.script).inputs['bindings'];
    expect(pulumi.runtime.isRpcSecret(bindings)).toBe(true);
    expect(plain(bindings)).toContainEqual({ type: 'secret_text', name: 'JWT_SECRET', text: secret });
    expect(mocks.ofType(TYPES.randomPassword)).toEqual([]);
  });

  it('deploys a domain under a multi-label public suffix into its registrable zone, with an upper-case account id', async () => {
    stackConfig({ 'p2p-clinic:accountId': '0123456789ABCDEF0123456789ABCDEF', 'p2p-clinic:domain': 'clinic.example.co.uk', 'p2p-clinic:workersDevSubdomain': '' });
    const { mocks, outputs } = await runProgram(checkout({ built: true }));
    expect(await valueOf(outputs.workerUrl)).toBe('https://clinic.example.co.uk');
    await settled();
    expect(mocks.only(TYPES.customDomain).inputs).toMatchObject({ accountId: '0123456789abcdef0123456789abcdef', hostname: 'clinic.example.co.uk', zoneName: 'example.co.uk' });
  });

  it("hands the stack's cloudflare:apiToken to the app upload", async () => {
    stackConfig({ 'cloudflare:apiToken': 'stack-api-token' }, ['cloudflare:apiToken']);
    const { mocks } = await runProgram(checkout({ built: true }));
    await settled();
    expect(plain(mocks.only(TYPES.localCommand).inputs['environment'])).toMatchObject({ CLOUDFLARE_API_TOKEN: 'stack-api-token' });
  });
});
