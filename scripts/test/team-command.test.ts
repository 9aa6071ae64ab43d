import { describe, expect, it } from 'vitest';
import type { RunRequest, RunResult } from '../team/command-runner.ts';
import { runTeamCommand, TeamCommandError, type TeamCommandErrorCode } from '../team/team-command.ts';

const ACCOUNT_ID = '0123456789abcdef0123456789abcdef';

interface FakeCliOptions {
  /** Results by command line (`pulumi stack ls --json`); anything else succeeds with no output. */
  readonly results?: Record<string, Partial<RunResult>>;
  /** Answers to the prompts, in order. */
  readonly answers?: string[];
}

/** A terminal and a Pulumi CLI that record what the team command does. */
function fakeCli({ results = {}, answers = [] }: FakeCliOptions = {}) {
  const commands: string[] = [];
  const interactive: string[] = [];
  const questions: string[] = [];
  const printed: string[] = [];
  const pending = [...answers];
  const io = {
    run: async (request: RunRequest): Promise<RunResult> => {
      const line = [request.program, ...request.args].join(' ');
      commands.push(line);
      if (request.interactive) interactive.push(line);
      return { exitCode: 0, stdout: '', stderr: '', ...results[line] };
    },
    ask: async (question: string) => {
      questions.push(question);
      const answer = pending.shift();
      if (answer === undefined) throw new Error(`unexpected question: ${question}`);
      return answer;
    },
    print: (line: string) => printed.push(line),
  };
  return { io, commands, interactive, questions, printed };
}

async function failureCode(argv: string[], cli: ReturnType<typeof fakeCli>): Promise<TeamCommandErrorCode> {
  try {
    await runTeamCommand(argv, cli.io);
  } catch (error) {
    if (error instanceof TeamCommandError) return error.code;
    throw error;
  }
  throw new Error('expected the team command to fail');
}

const NEW_ACME = ['new', 'acme', '--account-id', ACCOUNT_ID, '--workers-dev-subdomain', 'acme-clinic', '--allowed-origins', 'https://www.acme.example'];

describe('npm run team -- new', () => {
  it('creates the stack, sets its configuration and asks Pulumi for the API token as a secret', async () => {
    const cli = fakeCli();
    await runTeamCommand(NEW_ACME, cli.io);
    expect(cli.commands).toEqual([
      'pulumi whoami',
      'pulumi stack init acme',
      `pulumi config set --stack acme p2p-clinic:accountId ${ACCOUNT_ID}`,
      'pulumi config set --stack acme p2p-clinic:workersDevSubdomain acme-clinic',
      'pulumi config set --stack acme p2p-clinic:allowedOrigins https://www.acme.example',
      'pulumi config set --secret --stack acme cloudflare:apiToken',
    ]);
    expect(cli.interactive).toEqual(['pulumi config set --secret --stack acme cloudflare:apiToken']);
  });

  it('asks for the configuration the flags do not give', async () => {
    const cli = fakeCli({ answers: [ACCOUNT_ID, 'clinic-api.acme.example', ''] });
    await runTeamCommand(['new', 'acme'], cli.io);
    expect(cli.questions).toEqual([
      'Cloudflare account id (32 hex digits): ',
      'Hostname for the Worker (empty: use workers.dev): ',
      'Origins of sites embedding the components, comma-separated (empty: none): ',
    ]);
    expect(cli.commands).toContain('pulumi config set --stack acme p2p-clinic:domain clinic-api.acme.example');
  });

  it('asks for the workers.dev subdomain when no domain is given', async () => {
    const cli = fakeCli({ answers: [ACCOUNT_ID, '', 'acme-clinic', ''] });
    await runTeamCommand(['new', 'acme'], cli.io);
    expect(cli.questions[2]).toBe("The account's workers.dev subdomain (<name>.workers.dev): ");
    expect(cli.commands).toContain('pulumi config set --stack acme p2p-clinic:workersDevSubdomain acme-clinic');
  });

  it('refuses invalid configuration before creating the stack', async () => {
    const cli = fakeCli();
    const code = await failureCode(['new', 'acme', '--account-id', 'nope', '--domain', 'clinic.acme.example', '--allowed-origins', ''], cli);
    expect(code).toBe('CONFIG_INVALID');
    expect(cli.commands).toEqual(['pulumi whoami']);
  });

  it('leaves the API token to CLOUDFLARE_API_TOKEN with --token-from-env', async () => {
    const cli = fakeCli();
    await runTeamCommand([...NEW_ACME, '--token-from-env'], cli.io);
    expect(cli.commands.filter((line) => line.includes('cloudflare:apiToken'))).toEqual([]);
  });

  it('stops, with Pulumi’s own message, when the stack cannot be created', async () => {
    const cli = fakeCli({ results: { 'pulumi stack init acme': { exitCode: 255, stderr: "error: stack 'acme' already exists" } } });
    await expect(runTeamCommand(NEW_ACME, cli.io)).rejects.toThrow("error: stack 'acme' already exists");
    expect(cli.commands.at(-1)).toBe('pulumi stack init acme');
  });

  it('refuses a flag it does not know', async () => {
    expect(await failureCode([...NEW_ACME, '--region', 'eu'], fakeCli())).toBe('USAGE');
  });
});

describe('npm run team -- (any verb)', () => {
  it('refuses a team name that cannot be a stack name, before running anything', async () => {
    const cli = fakeCli();
    expect(await failureCode(['up', 'Acme Clinic'], cli)).toBe('TEAM_NAME_INVALID');
    expect(cli.commands).toEqual([]);
  });

  it('says the Pulumi CLI is not installed when it is not on PATH', async () => {
    const cli = fakeCli({ results: { 'pulumi whoami': { exitCode: 'not-found' } } });
    await expect(runTeamCommand(['list'], cli.io)).rejects.toThrow('The Pulumi CLI is not installed (no `pulumi` on PATH)');
  });

  it('says to log in when the Pulumi CLI has no backend', async () => {
    const cli = fakeCli({ results: { 'pulumi whoami': { exitCode: 255, stderr: 'error: no credentials' } } });
    expect(await failureCode(['outputs', 'acme'], cli)).toBe('PULUMI_NOT_LOGGED_IN');
    expect(cli.commands).toEqual(['pulumi whoami']);
  });

  it('prints the usage for an unknown verb', async () => {
    await expect(runTeamCommand(['deploy', 'acme'], fakeCli().io)).rejects.toThrow(/Unknown verb "deploy"\.\n\nUsage: npm run team/);
  });
});

describe('npm run team -- list', () => {
  it('prints each team with its URLs and last update', async () => {
    const cli = fakeCli({
      results: {
        'pulumi stack ls --json': {
          stdout: JSON.stringify([
            { name: 'acme', lastUpdate: '2026-11-20T10:00:00.000Z' },
            { name: 'birch', updateInProgress: true },
          ]),
        },
        'pulumi stack output --json --stack acme': {
          stdout: JSON.stringify({ workerUrl: 'https://w.acme.example', appUrl: 'https://p2p-clinic-acme.pages.dev' }),
        },
        'pulumi stack output --json --stack birch': { stdout: '{}' },
      },
    });
    await runTeamCommand(['list'], cli.io);
    expect(cli.printed).toEqual([
      'acme  worker https://w.acme.example  app https://p2p-clinic-acme.pages.dev  last update: 2026-11-20T10:00:00.000Z',
      'birch  not deployed  last update: updating now',
    ]);
  });

  it('says how to create the first team when there is none', async () => {
    const cli = fakeCli({ results: { 'pulumi stack ls --json': { stdout: '[]' } } });
    await runTeamCommand(['list'], cli.io);
    expect(cli.printed).toEqual(['No teams yet. Create one with: npm run team -- new <team>']);
  });
});

describe('npm run team -- up / preview / outputs', () => {
  it('builds, then runs pulumi up on the team’s stack in the terminal', async () => {
    const cli = fakeCli();
    await runTeamCommand(['up', 'acme'], cli.io);
    expect(cli.interactive).toEqual(['npm run build', 'pulumi up --stack acme']);
  });

  it('builds, then previews the team’s stack', async () => {
    const cli = fakeCli();
    await runTeamCommand(['preview', 'acme'], cli.io);
    expect(cli.interactive).toEqual(['npm run build', 'pulumi preview --stack acme']);
  });

  it('does not deploy when the build fails', async () => {
    const cli = fakeCli({ results: { 'npm run build': { exitCode: 1 } } });
    expect(await failureCode(['up', 'acme'], cli)).toBe('COMMAND_FAILED');
    expect(cli.commands).not.toContain('pulumi up --stack acme');
  });

  it('prints every output of the team’s stack', async () => {
    const cli = fakeCli({
      results: { 'pulumi stack output --json --stack acme': { stdout: JSON.stringify({ workerUrl: 'https://w.example', embedSnippet: '<p2p-calendar>' }) } },
    });
    await runTeamCommand(['outputs', 'acme'], cli.io);
    expect(cli.printed).toEqual(['workerUrl:\nhttps://w.example\n', 'embedSnippet:\n<p2p-calendar>\n']);
  });
});

describe('npm run team -- destroy', () => {
  it('destroys the team’s stack once the team name is typed', async () => {
    const cli = fakeCli({ answers: ['acme'] });
    await runTeamCommand(['destroy', 'acme'], cli.io);
    expect(cli.questions).toEqual(['Type the team name (acme) to confirm: ']);
    expect(cli.interactive).toEqual(['pulumi destroy --stack acme --yes']);
  });

  it('destroys nothing when another name is typed', async () => {
    const cli = fakeCli({ answers: ['acm'] });
    expect(await failureCode(['destroy', 'acme'], cli)).toBe('DESTROY_NOT_CONFIRMED');
    expect(cli.commands).toEqual(['pulumi whoami']);
  });
});
