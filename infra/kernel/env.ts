import { z } from 'zod';

/** Parses the environment once; a bad value stops the process at boot with every problem listed. */
export const parseEnv = <S extends z.ZodTypeAny>(schema: S, env: NodeJS.ProcessEnv): Readonly<z.infer<S>> => {
  const result = schema.safeParse(env);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n');
    throw new Error(`invalid configuration:\n${lines}`);
  }
  return Object.freeze(result.data);
};

export const port = (fallback: number) => z.coerce.number().int().min(0).max(65_535).default(fallback);
export const optionalUrl = z
  .string()
  .optional()
  .transform((v) => (v?.trim() ? v.trim() : undefined));
export const brokers = z
  .string()
  .optional()
  .transform((v) =>
    v?.trim()
      ? v
          .split(',')
          .map((b) => b.trim())
          .filter(Boolean)
      : undefined,
  );
export const logLevel = z
  .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  .default('info');

/** Express's `trust proxy`: false, true, a hop count, or a list of addresses / subnets ('loopback, 10.0.0.0/8'). */
export const trustProxy = z
  .string()
  .default('false')
  .transform((v): boolean | number | string => {
    const s = v.trim();
    if (s === '' || s === 'false') return false;
    if (s === 'true') return true;
    return /^\d+$/.test(s) ? Number(s) : s;
  });
