import { spawn } from 'node:child_process';

/** One external command. Interactive commands share the terminal (prompts, progress); others are captured. */
export interface RunRequest {
  readonly program: string;
  readonly args: readonly string[];
  readonly interactive: boolean;
}

/** `not-found`: the program is not on PATH. */
export interface RunResult {
  readonly exitCode: number | 'not-found';
  readonly stdout: string;
  readonly stderr: string;
}

export type CommandRunner = (request: RunRequest) => Promise<RunResult>;

/** Runs commands as child processes in `cwd` (the repository root, where Pulumi.yaml is). */
export function childProcessRunner(cwd: string): CommandRunner {
  return (request) =>
    new Promise((resolve) => {
      const child = spawn(request.program, [...request.args], {
        cwd,
        stdio: request.interactive ? 'inherit' : ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.on('error', (error: NodeJS.ErrnoException) => {
        resolve({ exitCode: error.code === 'ENOENT' ? 'not-found' : 1, stdout, stderr: stderr || error.message });
      });
      child.on('close', (code) => resolve({ exitCode: code ?? 1, stdout, stderr }));
    });
}
