import { CONFIG_NAMESPACE, parseStackConfig, StackConfigError, type RawStackConfig } from '../../infra/stack-config.ts';
import { teamNameProblem } from '../../infra/team-name.ts';
import type { CommandRunner, RunRequest, RunResult } from './command-runner.ts';

/**
 * `npm run team -- <verb>`: manages one Pulumi stack per team by driving the Pulumi CLI. Everything it touches
 * (runner, prompts, output) is injected, so its decisions are tested without the CLI.
 */

export type TeamCommandErrorCode =
  | 'USAGE'
  | 'TEAM_NAME_INVALID'
  | 'CONFIG_INVALID'
  | 'PULUMI_NOT_INSTALLED'
  | 'PULUMI_NOT_LOGGED_IN'
  | 'DESTROY_NOT_CONFIRMED'
  | 'COMMAND_FAILED';

export class TeamCommandError extends Error {
  readonly code: TeamCommandErrorCode;

  constructor(code: TeamCommandErrorCode, message: string) {
    super(message);
    this.name = 'TeamCommandError';
    this.code = code;
  }
}

export interface TeamCommandIo {
  readonly run: CommandRunner;
  /** Asks one question on the terminal and returns the trimmed answer. */
  readonly ask: (question: string) => Promise<string>;
  readonly print: (line: string) => void;
}

export const USAGE = `Usage: npm run team -- <verb> [team]

  new <team> [--account-id <id>] [--domain <hostname>] [--zone <zone>]
             [--workers-dev-subdomain <name>] [--allowed-origins <origin,origin>] [--token-from-env]
                      create the team's stack and its configuration (asks for what is missing)
  list                each team with its URLs and last update
  preview <team>      build, then show what \`up\` would change
  up <team>           build, then deploy the team
  outputs <team>      the team's URLs and embed snippet
  destroy <team>      delete everything the team's stack created (asks you to type the team name)`;

const PULUMI = 'pulumi';

const NEW_OPTIONS = {
  '--account-id': 'accountId',
  '--domain': 'domain',
  '--zone': 'zone',
  '--workers-dev-subdomain': 'workersDevSubdomain',
  '--allowed-origins': 'allowedOrigins',
} as const satisfies Record<string, keyof RawStackConfig>;

type NewOption = keyof typeof NEW_OPTIONS;

function isNewOption(flag: string): flag is NewOption {
  return flag in NEW_OPTIONS;
}

interface NewTeamRequest {
  readonly values: Partial<Record<keyof RawStackConfig, string>>;
  readonly tokenFromEnv: boolean;
}

function parseNewOptions(args: readonly string[]): NewTeamRequest {
  const values: Partial<Record<keyof RawStackConfig, string>> = {};
  let tokenFromEnv = false;
  for (let index = 0; index < args.length; index += 1) {
    const flag = args[index] ?? '';
    if (flag === '--token-from-env') {
      tokenFromEnv = true;
      continue;
    }
    const value = args[index + 1];
    if (!isNewOption(flag) || value === undefined) throw new TeamCommandError('USAGE', `Unexpected argument "${flag}".\n\n${USAGE}`);
    values[NEW_OPTIONS[flag]] = value;
    index += 1;
  }
  return { values, tokenFromEnv };
}

function requireTeam(team: string | undefined): string {
  if (team === undefined) throw new TeamCommandError('USAGE', `A team name is required.\n\n${USAGE}`);
  const problem = teamNameProblem(team);
  if (problem) throw new TeamCommandError('TEAM_NAME_INVALID', `Invalid team name: ${problem}.`);
  return team;
}

function pulumi(args: string[], interactive = false): RunRequest {
  return { program: PULUMI, args, interactive };
}

const NOT_INSTALLED_MESSAGE =
  'The Pulumi CLI is not installed (no `pulumi` on PATH). Install it (https://www.pulumi.com/docs/install/), ' +
  'then run `pulumi login`; see docs/self-hosting.md.';

const NOT_LOGGED_IN_MESSAGE =
  'The Pulumi CLI is not logged in to a backend. Run `pulumi login` (Pulumi Cloud), `pulumi login --local` ' +
  '(state in ~/.pulumi) or `pulumi login s3://<bucket>` (your own bucket); see docs/self-hosting.md.';

class TeamCommand {
  constructor(private readonly io: TeamCommandIo) {}

  private async execute(request: RunRequest): Promise<RunResult> {
    const result = await this.io.run(request);
    if (result.exitCode === 'not-found') throw new TeamCommandError('PULUMI_NOT_INSTALLED', NOT_INSTALLED_MESSAGE);
    if (result.exitCode !== 0) {
      const detail = result.stderr.trim() === '' ? '' : `:\n${result.stderr.trim()}`;
      throw new TeamCommandError('COMMAND_FAILED', `\`${request.program} ${request.args.join(' ')}\` failed${detail}`);
    }
    return result;
  }

  /** The CLI must be installed and logged in before anything else runs. */
  private async ensurePulumiReady(): Promise<void> {
    const result = await this.io.run(pulumi(['whoami']));
    if (result.exitCode === 'not-found') throw new TeamCommandError('PULUMI_NOT_INSTALLED', NOT_INSTALLED_MESSAGE);
    if (result.exitCode !== 0) throw new TeamCommandError('PULUMI_NOT_LOGGED_IN', NOT_LOGGED_IN_MESSAGE);
  }

  private async askFor(request: NewTeamRequest, key: keyof RawStackConfig, question: string): Promise<string> {
    return request.values[key] ?? (await this.io.ask(question));
  }

  async newTeam(team: string, request: NewTeamRequest): Promise<void> {
    await this.ensurePulumiReady();
    const accountId = await this.askFor(request, 'accountId', 'Cloudflare account id (32 hex digits): ');
    // A workers.dev subdomain on the command line already answers "which hostname".
    const domain =
      request.values.workersDevSubdomain === undefined
        ? await this.askFor(request, 'domain', 'Hostname for the Worker (empty: use workers.dev): ')
        : (request.values.domain ?? '');
    const zone = domain === '' ? '' : (request.values.zone ?? '');
    const workersDevSubdomain =
      domain === ''
        ? await this.askFor(request, 'workersDevSubdomain', "The account's workers.dev subdomain (<name>.workers.dev): ")
        : '';
    const allowedOrigins = await this.askFor(
      request,
      'allowedOrigins',
      'Origins of sites embedding the components, comma-separated (empty: none): ',
    );
    const raw: RawStackConfig = { accountId, domain, zone, workersDevSubdomain, allowedOrigins };
    try {
      parseStackConfig(team, raw);
    } catch (error) {
      if (error instanceof StackConfigError) throw new TeamCommandError('CONFIG_INVALID', error.message);
      throw error;
    }

    await this.execute(pulumi(['stack', 'init', team]));
    for (const [key, value] of Object.entries(raw)) {
      if (value) await this.execute(pulumi(['config', 'set', '--stack', team, `${CONFIG_NAMESPACE}:${key}`, value]));
    }
    if (request.tokenFromEnv) {
      this.io.print('The Cloudflare API token will be read from CLOUDFLARE_API_TOKEN when you deploy.');
    } else {
      this.io.print('Paste the Cloudflare API token (stored encrypted in the stack, never printed):');
      await this.execute(pulumi(['config', 'set', '--secret', '--stack', team, 'cloudflare:apiToken'], true));
    }
    this.io.print(`Team "${team}" is ready. Deploy it with: npm run team -- up ${team}`);
  }

  async list(): Promise<void> {
    await this.ensurePulumiReady();
    const stacks = JSON.parse((await this.execute(pulumi(['stack', 'ls', '--json']))).stdout) as {
      name: string;
      lastUpdate?: string;
      updateInProgress?: boolean;
    }[];
    if (stacks.length === 0) {
      this.io.print('No teams yet. Create one with: npm run team -- new <team>');
      return;
    }
    for (const stack of stacks) {
      const outputs = JSON.parse((await this.execute(pulumi(['stack', 'output', '--json', '--stack', stack.name]))).stdout) as {
        workerUrl?: string;
        appUrl?: string;
      };
      const lastUpdate = stack.updateInProgress ? 'updating now' : (stack.lastUpdate ?? 'never deployed');
      const urls = outputs.workerUrl === undefined ? 'not deployed' : `worker ${outputs.workerUrl}  app ${outputs.appUrl ?? '?'}`;
      this.io.print(`${stack.name}  ${urls}  last update: ${lastUpdate}`);
    }
  }

  async deploy(team: string, verb: 'up' | 'preview'): Promise<void> {
    await this.ensurePulumiReady();
    await this.execute({ program: 'npm', args: ['run', 'build'], interactive: true });
    await this.execute(pulumi([verb, '--stack', team], true));
  }

  async outputs(team: string): Promise<void> {
    await this.ensurePulumiReady();
    const outputs = JSON.parse((await this.execute(pulumi(['stack', 'output', '--json', '--stack', team]))).stdout) as Record<
      string,
      unknown
    >;
    for (const [name, value] of Object.entries(outputs)) this.io.print(`${name}:\n${String(value)}\n`);
  }

  async destroy(team: string): Promise<void> {
    await this.ensurePulumiReady();
    this.io.print(
      `This deletes team "${team}"'s Worker with all its stored (encrypted) data, its KV namespace and its app. ` +
        'Back up first (docs/self-hosting.md).',
    );
    const answer = await this.io.ask(`Type the team name (${team}) to confirm: `);
    if (answer !== team) {
      throw new TeamCommandError('DESTROY_NOT_CONFIRMED', `Nothing was destroyed: "${answer}" is not "${team}".`);
    }
    await this.execute(pulumi(['destroy', '--stack', team, '--yes'], true));
    this.io.print(`Team "${team}" is destroyed; its stack and history remain (remove them with: pulumi stack rm ${team}).`);
  }
}

/** Runs one invocation of the team command; throws a TeamCommandError the caller prints. */
export async function runTeamCommand(argv: readonly string[], io: TeamCommandIo): Promise<void> {
  const [verb, team, ...rest] = argv;
  const command = new TeamCommand(io);
  switch (verb) {
    case 'new':
      return command.newTeam(requireTeam(team), parseNewOptions(rest));
    case 'list':
      return command.list();
    case 'up':
    case 'preview':
      return command.deploy(requireTeam(team), verb);
    case 'outputs':
      return command.outputs(requireTeam(team));
    case 'destroy':
      return command.destroy(requireTeam(team));
    default:
      throw new TeamCommandError('USAGE', verb === undefined ? USAGE : `Unknown verb "${verb}".\n\n${USAGE}`);
  }
}
