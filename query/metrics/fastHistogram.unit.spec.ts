import { expect } from 'chai';
import { Histogram, Registry } from 'prom-client';
import { createFastHistogram } from './fastHistogram.ts';

const BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

describe('createFastHistogram', () => {
  it('exposes exactly what prom-client Histogram exposes for the same observations', async () => {
    const reference = new Registry();
    const fast = new Registry();
    const config = { name: 'op_x_seconds', help: 'x', labelNames: ['method', 'route', 'status'] as const };
    const h = new Histogram({ ...config, buckets: BUCKETS, registers: [reference] });
    const f = createFastHistogram({ ...config, buckets: BUCKETS, registers: [fast] });
    const a = { method: 'GET', route: '/api/v1/votes/:id', status: '200' };
    const b = { method: 'HEAD', route: '/api/v1/bills/:id', status: '304' };
    const held = f.series(a);
    // Below, on and between bounds, past the last one (only +Inf), zero; in a mixed order, through both APIs.
    const values = [0, 0.0003, 0.0005, 0.0007, 0.003, 0.1, 0.1000001, 4.99, 5, 7.5, 120, 0.02];
    values.forEach((v, i) => {
      const labels = i % 3 === 0 ? b : a;
      h.observe(labels, v);
      if (labels === a && i % 2) held.observe(v);
      else f.observe(labels, v);
    });
    expect(await fast.metrics()).to.equal(await reference.metrics());
    expect(await fast.metrics()).to.include(
      'op_x_seconds_bucket{le="0.005",method="GET",route="/api/v1/votes/:id",status="200"} 3',
    );
  });

  it('refuses a value that is not a finite number, as prom-client does', () => {
    const f = createFastHistogram({
      name: 'op_y',
      help: 'y',
      labelNames: ['k'],
      buckets: [1],
      registers: [new Registry()],
    });
    expect(() => f.observe({ k: 'a' }, Number.NaN)).to.throw(TypeError);
  });

  it('starts over on reset', async () => {
    const r = new Registry();
    const f = createFastHistogram({
      name: 'op_z',
      help: 'z',
      labelNames: ['k'],
      buckets: [1],
      registers: [r],
    });
    const held = f.series({ k: 'a' });
    held.observe(0.5);
    r.resetMetrics();
    expect(await r.metrics()).to.equal('# HELP op_z z\n# TYPE op_z histogram\n');
    held.observe(2);
    expect(await r.metrics())
      .to.include('op_z_count{k="a"} 1')
      .and.include('op_z_sum{k="a"} 2');
  });
});
