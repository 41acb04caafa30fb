import { once } from 'node:events';
import { createWriteStream } from 'node:fs';

export type Rejection = Readonly<{ file: string; position: string; reason: string }>;

/** NDJSON of rejected records ({file, position, reason} per line), written as they happen. */
export const openRejectsFile = (path: string) => {
  const stream = createWriteStream(path, { flags: 'w' });
  const failed = once(stream, 'error').then(([err]) => err as Error);
  return {
    async write(r: Rejection) {
      if (!stream.write(`${JSON.stringify(r)}\n`)) await Promise.race([once(stream, 'drain'), failed]);
    },
    async close() {
      stream.end();
      await Promise.race([once(stream, 'finish'), failed.then((err) => Promise.reject(err))]);
    },
  };
};
