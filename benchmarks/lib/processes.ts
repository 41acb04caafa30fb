import { type ChildProcess, spawn } from 'node:child_process';
import { ROOT } from './system.ts';

const TSX = `${ROOT}node_modules/.bin/tsx`;

/** Starts a helper server as its own process and resolves once it printed `ready`. */
export const startHelper = (script: string, args: string[]) =>
  new Promise<ChildProcess>((resolve, reject) => {
    const child = spawn(TSX, [script, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    child.stdout?.on('data', (d: Buffer) => {
      if (d.toString().includes('ready')) resolve(child);
    });
    child.once('exit', (code) => reject(new Error(`${script} exited ${code}`)));
  });

export const stopHelper = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });

export type LoadSpec = Readonly<{
  mode: 'closed' | 'open';
  base: string;
  paths: { path: string; weight: number }[];
  connections: number;
  seconds: number;
  warmupSeconds: number;
  rate?: number;
}>;

export type LoadResult = Readonly<{
  rps?: number;
  achievedRps?: number;
  targetRps?: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number };
  requests: number;
  errors: number;
  /** Open loop: how late the generator wrote requests after they were due, and its deepest queue. */
  generatorLagMs?: { p50: number; p99: number; max: number };
  maxQueued?: number;
}>;

/** Runs the load generator in its own process (never in the process of a server it measures). */
export const runLoad = (spec: LoadSpec) =>
  new Promise<LoadResult>((resolve, reject) => {
    const child = spawn(TSX, ['benchmarks/lib/loadgen.ts', JSON.stringify(spec)], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`loadgen exited ${code}`));
      resolve(JSON.parse(out.trim().split('\n').at(-1)!) as LoadResult);
    });
  });
