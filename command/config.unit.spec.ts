import { expect } from 'chai';
import { loadCommandConfig } from './config.ts';

describe('command configuration: a missing DATABASE_URL says what to set', () => {
  for (const [what, env] of [
    ['unset', {}],
    ['empty', { DATABASE_URL: '' }],
  ] as const) {
    it(`DATABASE_URL ${what}`, () => {
      expect(() => loadCommandConfig(env)).to.throw(
        /^invalid configuration:\n {2}DATABASE_URL: not set: a postgres:\/\/ URL \(npm start runs an embedded database/,
      );
    });
  }
});
