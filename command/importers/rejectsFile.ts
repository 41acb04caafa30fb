import { once } from 'node:events';
import { createWriteStream } from 'node:fs';

export type Rejection = Readonly<{ file: string; position: string; reason: string }>;

/**
 * NDJSON of rejected records ({file, position, reason} per line), written as they happen. Opened before anything
 * is read, so a path that cannot be written stops the run at once instead of after every record was sent.
 */
export const openRejectsFile = async (path: string) => {
  const stream = createWriteStream(path, { flags: 'w' });
  await once(stream, 'open'); // rejects with the 'error' of a path that cannot be written
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
