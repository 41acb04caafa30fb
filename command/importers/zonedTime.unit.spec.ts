import { expect } from 'chai';
import { OTTAWA, withZoneOffset } from './zonedTime.ts';

describe('withZoneOffset: wall-clock times of a zone as ISO-8601 instants', () => {
  it('gives Ottawa times their offset of the day: -05:00 in winter, -04:00 in summer', () => {
    expect(withZoneOffset('2024-11-07T15:16:00', OTTAWA)).to.equal('2024-11-07T15:16:00-05:00');
    expect(withZoneOffset('2021-11-23T14:20:19.547', OTTAWA)).to.equal('2021-11-23T14:20:19.547-05:00');
    expect(withZoneOffset('2022-06-15T09:30', OTTAWA)).to.equal('2022-06-15T09:30-04:00');
    expect(Date.parse(withZoneOffset('2024-11-07T15:16:00', OTTAWA))).to.equal(
      Date.parse('2024-11-07T20:16:00Z'),
    );
  });

  it('finds the right side of a change of offset', () => {
    // 2024-11-03 02:00 EDT became 01:00 EST; 2024-03-10 02:00 EST became 03:00 EDT.
    expect(withZoneOffset('2024-11-03T03:00:00', OTTAWA)).to.equal('2024-11-03T03:00:00-05:00');
    expect(withZoneOffset('2024-11-02T23:59:00', OTTAWA)).to.equal('2024-11-02T23:59:00-04:00');
    expect(withZoneOffset('2024-03-10T03:30:00', OTTAWA)).to.equal('2024-03-10T03:30:00-04:00');
    expect(withZoneOffset('2024-03-10T01:30:00', OTTAWA)).to.equal('2024-03-10T01:30:00-05:00');
  });

  it('leaves a time with an offset, and a date alone, as they are', () => {
    expect(withZoneOffset('2021-01-03T13:26:00-05:00', OTTAWA)).to.equal('2021-01-03T13:26:00-05:00');
    expect(withZoneOffset('2021-01-03T18:26:00Z', OTTAWA)).to.equal('2021-01-03T18:26:00Z');
    expect(withZoneOffset('2021-11-23', OTTAWA)).to.equal('2021-11-23');
  });
});
