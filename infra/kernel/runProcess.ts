import { spawn } from 'node:child_process';

export type Ran = Readonly<{ code: number; stdout: string; stderr: string; output: string }>;

/**
 * Runs a program to its end and collects what it printed: stdout, stderr, and both interleaved as they came
 * (`output`). Never rejects on a non-zero exit: the caller decides what a code means.
 */
export const runProcess = (
  file: string,
  args: readonly string[],
  o: { cwd: string; env?: NodeJS.ProcessEnv },
) =>
  new Promise<Ran>((resolve, reject) => {
    const child = spawn(file, args, {
      cwd: o.cwd,
      env: { ...process.env, ...o.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let output = '';
    child.stdout.on('data', (d) => {
      stdout += d;
      output += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
      output += d;
    });
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code: code ?? -1, stdout, stderr, output }));
  });
