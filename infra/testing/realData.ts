import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** ../shared/data beside the checkout: read at run time, never copied into the repository. */
export const DATA_DIR = fileURLToPath(new URL('../../../shared/data/', import.meta.url));

export const dataPath = (relative: string) => `${DATA_DIR}${relative}`;

export const readJson = <T>(relative: string): T => JSON.parse(readFileSync(dataPath(relative), 'utf8')) as T;
