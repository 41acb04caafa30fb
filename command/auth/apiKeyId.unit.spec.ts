import { expect } from 'chai';
import { apiKeyId } from './apiKeys.ts';

describe('apiKeyId: what `apikey revoke` takes', () => {
  it('the id, op_<id>, or the whole key, which is what a user has at hand', () => {
    const key = `op_0123456789ab_${'A'.repeat(43)}`;
    expect(apiKeyId('0123456789ab')).to.equal('0123456789ab');
    expect(apiKeyId('op_0123456789ab')).to.equal('0123456789ab');
    expect(apiKeyId(key)).to.equal('0123456789ab');
    expect(apiKeyId(` ${key}\n`)).to.equal('0123456789ab');
  });

  it('nothing else', () => {
    expect(apiKeyId('op_zz')).to.equal(null);
    expect(apiKeyId('0123456789abc')).to.equal(null);
    expect(apiKeyId(`op_0123456789ab_${'A'.repeat(10)}`)).to.equal(null);
  });
});
