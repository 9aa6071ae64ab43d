import { resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { childProcessRunner } from './team/command-runner.ts';
import { runTeamCommand, TeamCommandError } from './team/team-command.ts';

/** `npm run team -- <verb>`: see scripts/team/team-command.ts and docs/self-hosting.md. */
const repositoryRoot = resolve(import.meta.dirname, '..');

async function ask(question: string): Promise<string> {
  const terminal = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return (await terminal.question(question)).trim();
  } finally {
    terminal.close();
  }
}

try {
  await runTeamCommand(process.argv.slice(2), {
    run: childProcessRunner(repositoryRoot),
    ask,
    print: (line) => console.log(line),
  });
} catch (error) {
  if (!(error instanceof TeamCommandError)) throw error;
  console.error(error.message);
  process.exitCode = 1;
}
