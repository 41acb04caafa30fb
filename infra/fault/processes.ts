import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export type Proc = Readonly<{
  child: ChildProcess;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}>;

/**
 * Runs a TypeScript entry point as ONE process (`node --import tsx`), so that SIGKILL reaches the process that
 * does the work: the `tsx` CLI would run it in a child that a SIGKILL of the parent leaves running.
 */
export const spawnTs = (entry: string, args: readonly string[], env: NodeJS.ProcessEnv): Proc => {
  let output = '';
  const child = spawn(process.execPath, ['--import', 'tsx', entry, ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const keep = (d: Buffer) => {
    output = (output + d).slice(-40_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, output: () => output, exited };
};

/** Sends `signal` (SIGKILL: a crash) and waits for the process to be gone. */
export const kill = async (p: Proc, signal: NodeJS.Signals = 'SIGKILL') => {
  if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill(signal);
  const timer = setTimeout(() => p.child.kill('SIGKILL'), 10_000);
  try {
    return await p.exited;
  } finally {
    clearTimeout(timer);
  }
};

/** A small seeded generator, so a failing random schedule can be replayed with FAULT_SEED. */
export const seeded = (seed: number) => {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
};
