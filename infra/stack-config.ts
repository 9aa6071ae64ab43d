/**
 * A team's stack configuration, as stored by `pulumi config set p2p-clinic:<key>`, validated in one pass so that
 * `pulumi up` reports every problem at once, before anything is created. Pure (no Pulumi imports) so that the team
 * command validates what it is about to store with the same rules.
 */
import { getDomain } from 'tldts';
import { teamNameProblem } from './team-name.ts';

export const CONFIG_NAMESPACE = 'p2p-clinic';

/** Values exactly as Pulumi stores them: strings, absent when unset. */
export interface RawStackConfig {
  readonly accountId?: string | undefined;
  readonly domain?: string | undefined;
  readonly zone?: string | undefined;
  readonly workersDevSubdomain?: string | undefined;
  readonly allowedOrigins?: string | undefined;
  readonly jwtSecret?: string | undefined;
}

/** Where the Worker answers: the account's workers.dev subdomain, or a hostname in one of the account's zones. */
export type WorkerRoute =
  | { readonly kind: 'workers-dev'; readonly accountSubdomain: string }
  | { readonly kind: 'custom-domain'; readonly hostname: string; readonly zoneName: string };

export interface StackConfig {
  readonly accountId: string;
  readonly route: WorkerRoute;
  /** Origins of the sites embedding the components; the app's own origin is added by the deployment. */
  readonly allowedOrigins: readonly string[];
  /** Absent: the deployment generates one. */
  readonly jwtSecret: string | undefined;
}

export type ConfigProblemCode =
  | 'ACCOUNT_ID_MISSING'
  | 'ACCOUNT_ID_MALFORMED'
  | 'DOMAIN_MALFORMED'
  | 'ZONE_MALFORMED'
  | 'ZONE_WITHOUT_DOMAIN'
  | 'WORKERS_DEV_SUBDOMAIN_MISSING'
  | 'WORKERS_DEV_SUBDOMAIN_MALFORMED'
  | 'ALLOWED_ORIGINS_MALFORMED'
  | 'ORIGIN_MALFORMED'
  | 'JWT_SECRET_TOO_SHORT'
  | 'TEAM_NAME_MALFORMED';

export interface ConfigProblem {
  readonly code: ConfigProblemCode;
  readonly key: string;
  readonly message: string;
}

export class StackConfigError extends Error {
  readonly problems: readonly ConfigProblem[];

  constructor(team: string, problems: readonly ConfigProblem[]) {
    super(
      `Invalid configuration of stack "${team}":\n` +
        problems.map((problem) => `  - ${problem.key}: ${problem.message}`).join('\n'),
    );
    this.name = 'StackConfigError';
    this.problems = problems;
  }
}

/**
 * Cloudflare account ids are 32 hex digits (dashboard → Account home → Account ID). The dashboard shows them in
 * lower case, but one copied from elsewhere may be upper-case: the API takes them in lower case, so that is how
 * they are kept.
 */
const ACCOUNT_ID_PATTERN = /^[0-9a-f]{32}$/i;

/** HS256 needs a key of at least 256 bits; 32 characters of a random password carry more than that. */
export const JWT_SECRET_MIN_LENGTH = 32;

const DNS_LABEL_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const HOSTNAME_MAX_LENGTH = 253;

function accountIdProblem(value: string | undefined): ConfigProblem | undefined {
  const key = `${CONFIG_NAMESPACE}:accountId`;
  if (value === undefined || value.trim() === '') {
    return {
      code: 'ACCOUNT_ID_MISSING',
      key,
      message: `required: set it with \`pulumi config set ${key} <account id>\` (Cloudflare dashboard → Account home → Account ID)`,
    };
  }
  if (!ACCOUNT_ID_PATTERN.test(value)) {
    return { code: 'ACCOUNT_ID_MALFORMED', key, message: `"${value}" is not a Cloudflare account id (32 hexadecimal digits)` };
  }
  return undefined;
}

function isHostname(value: string): boolean {
  if (value.length > HOSTNAME_MAX_LENGTH) return false;
  const labels = value.split('.');
  const topLevel = labels[labels.length - 1] ?? '';
  return labels.length >= 2 && labels.every((label) => DNS_LABEL_PATTERN.test(label)) && !/^[0-9]+$/.test(topLevel);
}

function domainProblem(value: string): ConfigProblem | undefined {
  if (isHostname(value)) return undefined;
  return {
    code: 'DOMAIN_MALFORMED',
    key: `${CONFIG_NAMESPACE}:domain`,
    message: `"${value}" is not a hostname such as clinic-api.example.org (lowercase, no scheme, no path)`,
  };
}

function workersDevSubdomainProblem(value: string | undefined): ConfigProblem | undefined {
  const key = `${CONFIG_NAMESPACE}:workersDevSubdomain`;
  if (value === undefined || value === '') {
    return {
      code: 'WORKERS_DEV_SUBDOMAIN_MISSING',
      key,
      message:
        `required when no domain is set: the account's workers.dev subdomain, the "<name>" of "<name>.workers.dev" ` +
        `(dashboard → Workers & Pages → Account details); or set ${CONFIG_NAMESPACE}:domain`,
    };
  }
  if (!DNS_LABEL_PATTERN.test(value)) {
    return {
      code: 'WORKERS_DEV_SUBDOMAIN_MALFORMED',
      key,
      message: `"${value}" is not a workers.dev subdomain (one lowercase DNS label, without ".workers.dev")`,
    };
  }
  return undefined;
}

/** The origin a URL string stands for, or why it is not an origin. */
function parseOrigin(value: string): { origin: string } | { problem: string } {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return { problem: `"${value}" is not a URL` };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return { problem: `"${value}" is not an http(s) origin` };
  }
  if (url.origin !== value) {
    return { problem: `"${value}" is not an origin (scheme, host and port only): use "${url.origin}"` };
  }
  return { origin: url.origin };
}

/** Accepts a JSON list (what `pulumi config set --path` stores) or a comma-separated list. */
function splitOriginList(value: string): string[] | undefined {
  const trimmed = value.trim();
  if (trimmed === '') return [];
  if (trimmed.startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(trimmed);
      return Array.isArray(parsed) && parsed.every((item) => typeof item === 'string') ? parsed : undefined;
    } catch {
      return undefined;
    }
  }
  return trimmed
    .split(',')
    .map((origin) => origin.trim())
    .filter((origin) => origin !== '');
}

function originsProblems(value: string | undefined): { origins: string[]; problems: ConfigProblem[] } {
  const key = `${CONFIG_NAMESPACE}:allowedOrigins`;
  const listed = splitOriginList(value ?? '');
  if (listed === undefined) {
    return {
      origins: [],
      problems: [
        {
          code: 'ALLOWED_ORIGINS_MALFORMED',
          key,
          message: 'must be a comma-separated list of origins or a JSON list of strings',
        },
      ],
    };
  }
  const origins: string[] = [];
  const problems: ConfigProblem[] = [];
  for (const entry of listed) {
    const parsed = parseOrigin(entry);
    if ('origin' in parsed) origins.push(parsed.origin);
    else problems.push({ code: 'ORIGIN_MALFORMED', key, message: parsed.problem });
  }
  return { origins, problems };
}

/**
 * The zone holding a custom domain when none is configured: its registrable domain by the public suffix list, so
 * that clinic.example.co.uk is in example.co.uk and not in co.uk; undefined when the domain is itself a public
 * suffix. A zone that is a subdomain of a registrable domain must be configured.
 */
function defaultZoneName(hostname: string): string | undefined {
  return getDomain(hostname) ?? undefined;
}

function routeFromConfig(raw: RawStackConfig, problems: ConfigProblem[]): WorkerRoute | undefined {
  const domain = raw.domain?.trim().toLowerCase();
  const zone = raw.zone?.trim().toLowerCase();
  if (domain === undefined || domain === '') {
    if (zone !== undefined && zone !== '') {
      problems.push({
        code: 'ZONE_WITHOUT_DOMAIN',
        key: `${CONFIG_NAMESPACE}:zone`,
        message: `only used with ${CONFIG_NAMESPACE}:domain, which is not set`,
      });
    }
    const subdomain = raw.workersDevSubdomain?.trim().toLowerCase();
    const problem = workersDevSubdomainProblem(subdomain);
    if (problem) problems.push(problem);
    return problem || subdomain === undefined ? undefined : { kind: 'workers-dev', accountSubdomain: subdomain };
  }
  const problem = domainProblem(domain);
  if (problem) {
    problems.push(problem);
    return undefined;
  }
  const zoneName = zone === undefined || zone === '' ? defaultZoneName(domain) : zone;
  if (zoneName === undefined) {
    problems.push({
      code: 'DOMAIN_MALFORMED',
      key: `${CONFIG_NAMESPACE}:domain`,
      message: `"${domain}" is a public suffix, not a domain of your own: use a hostname in one of your Cloudflare zones`,
    });
    return undefined;
  }
  if (!isHostname(zoneName) || (domain !== zoneName && !domain.endsWith(`.${zoneName}`))) {
    problems.push({
      code: 'ZONE_MALFORMED',
      key: `${CONFIG_NAMESPACE}:zone`,
      message: `"${zoneName}" is not a zone that contains ${domain}`,
    });
    return undefined;
  }
  return { kind: 'custom-domain', hostname: domain, zoneName };
}

export function parseStackConfig(team: string, raw: RawStackConfig): StackConfig {
  const problems: ConfigProblem[] = [];
  const teamProblem = teamNameProblem(team);
  if (teamProblem) problems.push({ code: 'TEAM_NAME_MALFORMED', key: 'stack name', message: teamProblem });
  const accountProblem = accountIdProblem(raw.accountId?.trim());
  if (accountProblem) problems.push(accountProblem);
  const route = routeFromConfig(raw, problems);
  const { origins, problems: originProblems } = originsProblems(raw.allowedOrigins);
  problems.push(...originProblems);
  const jwtSecret = raw.jwtSecret === '' ? undefined : raw.jwtSecret;
  if (jwtSecret !== undefined && jwtSecret.length < JWT_SECRET_MIN_LENGTH) {
    problems.push({
      code: 'JWT_SECRET_TOO_SHORT',
      key: `${CONFIG_NAMESPACE}:jwtSecret`,
      message: `must be at least ${JWT_SECRET_MIN_LENGTH} characters; or remove it to have one generated`,
    });
  }
  if (problems.length > 0 || route === undefined) throw new StackConfigError(team, problems);
  return { accountId: (raw.accountId ?? '').trim().toLowerCase(), route, allowedOrigins: origins, jwtSecret };
}
