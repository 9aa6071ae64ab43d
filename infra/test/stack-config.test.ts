import { describe, expect, it } from 'vitest';
import { parseStackConfig, StackConfigError, type ConfigProblemCode, type RawStackConfig } from '../stack-config.ts';

const ACCOUNT_ID = '0123456789abcdef0123456789abcdef';

function rawConfig(overrides: Partial<RawStackConfig> = {}): RawStackConfig {
  return { accountId: ACCOUNT_ID, workersDevSubdomain: 'acme-clinic', ...overrides };
}

function problemsOf(raw: RawStackConfig, team = 'acme'): { codes: ConfigProblemCode[]; message: string } {
  try {
    parseStackConfig(team, raw);
  } catch (error) {
    if (!(error instanceof StackConfigError)) throw error;
    return { codes: error.problems.map((problem) => problem.code), message: error.message };
  }
  throw new Error('expected the configuration to be refused');
}

describe('parseStackConfig', () => {
  it('accepts an account id and a workers.dev subdomain, with no origins and no secret', () => {
    expect(parseStackConfig('acme', rawConfig())).toEqual({
      accountId: ACCOUNT_ID,
      route: { kind: 'workers-dev', accountSubdomain: 'acme-clinic' },
      allowedOrigins: [],
      jwtSecret: undefined,
    });
  });

  it('refuses a missing account id and says how to set it', () => {
    const { codes, message } = problemsOf(rawConfig({ accountId: undefined }));
    expect(codes).toEqual(['ACCOUNT_ID_MISSING']);
    expect(message).toContain('pulumi config set p2p-clinic:accountId');
  });

  it('refuses an account id that is not 32 hex digits', () => {
    expect(problemsOf(rawConfig({ accountId: 'my-account' })).codes).toEqual(['ACCOUNT_ID_MALFORMED']);
  });

  it('uses a custom domain in the zone of its registrable domain', () => {
    expect(parseStackConfig('acme', rawConfig({ domain: 'Clinic-API.acme.example', workersDevSubdomain: '' })).route).toEqual({
      kind: 'custom-domain',
      hostname: 'clinic-api.acme.example',
      zoneName: 'acme.example',
    });
  });

  it('accepts an upper-case account id and keeps it in lower case, as the API takes it', () => {
    expect(parseStackConfig('acme', rawConfig({ accountId: ACCOUNT_ID.toUpperCase() })).accountId).toBe(ACCOUNT_ID);
  });

  it('puts a domain under a multi-label public suffix in its registrable domain, not the suffix', () => {
    expect(parseStackConfig('acme', rawConfig({ domain: 'clinic.example.co.uk' })).route).toEqual({
      kind: 'custom-domain',
      hostname: 'clinic.example.co.uk',
      zoneName: 'example.co.uk',
    });
  });

  it('refuses a domain that is itself a public suffix', () => {
    const { codes, message } = problemsOf(rawConfig({ domain: 'co.uk' }));
    expect(codes).toEqual(['DOMAIN_MALFORMED']);
    expect(message).toContain('"co.uk" is a public suffix');
  });

  it('uses the configured zone for a domain under a multi-label suffix', () => {
    expect(parseStackConfig('acme', rawConfig({ domain: 'api.acme.co.uk', zone: 'acme.co.uk' })).route).toMatchObject({
      zoneName: 'acme.co.uk',
    });
  });

  it('refuses a domain given as a URL', () => {
    const { codes, message } = problemsOf(rawConfig({ domain: 'https://clinic.acme.example/' }));
    expect(codes).toEqual(['DOMAIN_MALFORMED']);
    expect(message).toContain('p2p-clinic:domain');
  });

  it('refuses a zone that does not contain the domain', () => {
    expect(problemsOf(rawConfig({ domain: 'api.acme.example', zone: 'other.example' })).codes).toEqual(['ZONE_MALFORMED']);
  });

  it('refuses a zone without a domain', () => {
    expect(problemsOf(rawConfig({ zone: 'acme.example' })).codes).toEqual(['ZONE_WITHOUT_DOMAIN']);
  });

  it('requires the workers.dev subdomain when no domain is set', () => {
    const { codes, message } = problemsOf(rawConfig({ workersDevSubdomain: undefined }));
    expect(codes).toEqual(['WORKERS_DEV_SUBDOMAIN_MISSING']);
    expect(message).toContain('workers.dev');
  });

  it('refuses a workers.dev subdomain written as a hostname', () => {
    expect(problemsOf(rawConfig({ workersDevSubdomain: 'acme.workers.dev' })).codes).toEqual(['WORKERS_DEV_SUBDOMAIN_MALFORMED']);
  });

  it('reads allowed origins from a comma-separated list', () => {
    const config = parseStackConfig('acme', rawConfig({ allowedOrigins: 'https://www.acme.example, http://localhost:8080' }));
    expect(config.allowedOrigins).toEqual(['https://www.acme.example', 'http://localhost:8080']);
  });

  it('reads allowed origins from a JSON list', () => {
    const config = parseStackConfig('acme', rawConfig({ allowedOrigins: '["https://www.acme.example"]' }));
    expect(config.allowedOrigins).toEqual(['https://www.acme.example']);
  });

  it('refuses an origin with a path and names the origin to use instead', () => {
    const { codes, message } = problemsOf(rawConfig({ allowedOrigins: 'https://www.acme.example/calendar' }));
    expect(codes).toEqual(['ORIGIN_MALFORMED']);
    expect(message).toContain('use "https://www.acme.example"');
  });

  it('refuses an origin that is not a URL', () => {
    const { codes, message } = problemsOf(rawConfig({ allowedOrigins: 'www.acme.example' }));
    expect(codes).toEqual(['ORIGIN_MALFORMED']);
    expect(message).toContain('"www.acme.example" is not a URL');
  });

  it('refuses an allowed-origins value that is neither a list nor JSON', () => {
    expect(problemsOf(rawConfig({ allowedOrigins: '["https://a.example", 3]' })).codes).toEqual(['ALLOWED_ORIGINS_MALFORMED']);
  });

  it('refuses a JWT secret shorter than 32 characters without printing it', () => {
    const { codes, message } = problemsOf(rawConfig({ jwtSecret: 'hunter2' }));
    expect(codes).toEqual(['JWT_SECRET_TOO_SHORT']);
    expect(message).not.toContain('hunter2');
  });

  it('refuses a stack name that cannot name Cloudflare resources', () => {
    expect(problemsOf(rawConfig(), 'Acme_Clinic').codes).toEqual(['TEAM_NAME_MALFORMED']);
  });

  it('reports every problem at once', () => {
    const { codes } = problemsOf({ domain: 'not a host', allowedOrigins: 'ftp://files.example' });
    expect(codes).toEqual(['ACCOUNT_ID_MISSING', 'DOMAIN_MALFORMED', 'ORIGIN_MALFORMED']);
  });
});
