import { join, resolve } from 'node:path';
import { deployTeam } from './program.ts';

const repositoryRoot = resolve(import.meta.dirname, '..');
const outputs = deployTeam({ repositoryRoot, workerDistDir: join(repositoryRoot, 'worker', 'dist') });

export const workerUrl = outputs.workerUrl;
export const appUrl = outputs.appUrl;
export const embedSnippet = outputs.embedSnippet;
