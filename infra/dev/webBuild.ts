import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runProcess } from '../kernel/runProcess.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const WEB = join(ROOT, 'web');
// Written last, by web/budget.ts after the Vite build.
const BUILT = join(WEB, 'dist', 'budget.json');

const newestMtime = (path: string): number => {
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  return Math.max(s.mtimeMs, ...readdirSync(path).map((f) => newestMtime(join(path, f))));
};

/** True when web/dist is missing or older than any of its sources (or the locked dependencies). */
export const webBuildStale = () => {
  if (!existsSync(BUILT)) return true;
  const built = statSync(BUILT).mtimeMs;
  const sources = [
    join(WEB, 'src'),
    join(WEB, 'index.html'),
    join(WEB, 'vite.config.ts'),
    join(ROOT, 'package-lock.json'),
  ];
  return sources.some((s) => existsSync(s) && newestMtime(s) > built);
};

const run = (command: string, args: string[]) =>
  runProcess(join(ROOT, 'node_modules/.bin', command), args, { cwd: ROOT });

/**
 * Builds the dashboard with Vite (web/dist) unless the build is current, then reports its size against the
 * budget (web/budget.ts, which also writes dist/budget.json). Only a failed build throws: CI enforces the budget.
 */
export const ensureWebBuild = async (say: (line: string) => void = () => {}) => {
  if (!webBuildStale()) return false;
  say('building the web app (web/dist)…');
  const build = await run('vite', ['build', '--config', 'web/vite.config.ts', '--logLevel', 'warn']);
  if (build.code !== 0) throw new Error(`vite build exited ${build.code}:\n${build.output}`);
  const budget = await run('tsx', ['web/budget.ts']);
  if (budget.code !== 0) say(budget.output.trim());
  return true;
};
