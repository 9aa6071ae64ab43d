/**
 * A team's name is its Pulumi stack name and part of the names of its Cloudflare resources
 * (`p2p-clinic-<team>` for the Worker, its workers.dev hostname and the Pages project). Pages project names and DNS
 * labels allow only lowercase letters, digits and hyphens; 40 characters keep `p2p-clinic-<team>` within the Pages
 * limit of 58.
 */
const TEAM_NAME_MAX_LENGTH = 40;

const TEAM_NAME_PATTERN = /^[a-z](?:[a-z0-9-]*[a-z0-9])?$/;

const RESOURCE_NAME_PREFIX = 'p2p-clinic';

export function teamNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'a team name is required';
  if (name.length > TEAM_NAME_MAX_LENGTH) return `team name "${name}" is longer than ${TEAM_NAME_MAX_LENGTH} characters`;
  if (!TEAM_NAME_PATTERN.test(name)) {
    return `team name "${name}" must start with a lowercase letter and contain only lowercase letters, digits and hyphens (not at the end)`;
  }
  return undefined;
}

/** The name of the team's Worker script, Pages project and KV namespace prefix. */
export function resourceName(team: string): string {
  return `${RESOURCE_NAME_PREFIX}-${team}`;
}
