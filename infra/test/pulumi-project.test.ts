/** Pulumi.yaml's template and project config stay in step with the keys the program reads. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { CONFIG_KEYS } from '../config.ts';
import { CONFIG_NAMESPACE, parseStackConfig } from '../stack-config.ts';

interface PulumiProject {
  template: { description: string; config: Record<string, { description?: string; default?: unknown; secret?: boolean }> };
  config: Record<string, { type: string; description?: string; default?: unknown; secret?: boolean }>;
}

const project = yaml.load(readFileSync(resolve(import.meta.dirname, '../../Pulumi.yaml'), 'utf8')) as PulumiProject;
const programKeys: readonly string[] = CONFIG_KEYS;
const unnamespaced = (key: string) => key.replace(`${CONFIG_NAMESPACE}:`, '');

describe('Pulumi.yaml', () => {
  it('prompts `pulumi new` only for keys the program reads, each with a description', () => {
    const keys = Object.keys(project.template.config);
    expect(keys.every((key) => key.startsWith(`${CONFIG_NAMESPACE}:`) && programKeys.includes(unnamespaced(key)))).toBe(true);
    expect(keys.filter((key) => !project.template.config[key]!.description)).toEqual([]);
  });

  it('declares project config only for keys the program reads, with a type Pulumi knows', () => {
    for (const [key, declaration] of Object.entries(project.config)) {
      expect(programKeys, key).toContain(key);
      expect(['string', 'integer', 'boolean', 'array'], key).toContain(declaration.type);
      expect(declaration.description, key).toBeTruthy();
    }
  });

  it('has no default for the account id, so that Pulumi asks for it', () => {
    expect(project.template.config[`${CONFIG_NAMESPACE}:accountId`]).not.toHaveProperty('default');
    expect(project.config.accountId).not.toHaveProperty('default');
  });

  it('has defaults that the program reads as unset', () => {
    const defaults = (entries: [string, { default?: unknown }][]) => Object.fromEntries(entries.filter(([, value]) => 'default' in value).map(([key, value]) => [unnamespaced(key), String(value.default)]));
    for (const values of [defaults(Object.entries(project.template.config)), defaults(Object.entries(project.config))]) {
      const config = parseStackConfig('acme', { ...values, accountId: '0123456789abcdef0123456789abcdef', workersDevSubdomain: 'acme-clinic' });
      expect(config).toEqual({ accountId: '0123456789abcdef0123456789abcdef', route: { kind: 'workers-dev', accountSubdomain: 'acme-clinic' }, allowedOrigins: [], jwtSecret: undefined });
    }
  });
});
