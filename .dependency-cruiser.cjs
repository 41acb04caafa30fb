/** Layer rules: the read side stays independent of the write side and the projector. */
module.exports = {
  forbidden: [
    {
      name: 'query-is-read-only',
      comment: 'query/ serves read models only; it must never import command/ or projector/.',
      severity: 'error',
      from: { path: '^query/' },
      to: { path: '^(command|projector)/' },
    },
    {
      name: 'kernel-is-a-leaf',
      comment: 'infra/kernel is shared plumbing; it may not depend on any service.',
      severity: 'error',
      from: { path: '^infra/kernel/' },
      to: { path: '^(command|projector|query)/' },
    },
    {
      name: 'command-does-not-read-projections',
      comment: 'the write side never depends on the projector or the read side.',
      severity: 'error',
      from: { path: '^command/' },
      to: { path: '^(projector|query)/' },
    },
    {
      name: 'web-is-a-client',
      comment: 'web/ talks to the services over HTTP only; it never imports server code.',
      severity: 'error',
      from: { path: '^web/' },
      to: { path: '^(command|projector|query|infra)/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '(node_modules|web/dist/|\\.data/)' },
  },
};
