/**
 * Dependency rules of Airlock (ARCHITECTURE.md explains them). `npm run lint` checks them with dependency-cruiser.
 * Pure packages hold the logic (types, record parsing, scoring, inventory parsing): no I/O, so any source can feed them
 * and tests need nothing but data. Docker, Redis and HTTP live in adapter packages and apps at the edges.
 */
const PURE = require('./package.json').airlock.purePackages;
const pureSrc = `^packages/(${PURE.join('|')})/src/`;
const ADAPTER_LIBRARIES = [
  'dockerode',
  'ioredis',
  'bullmq',
  'express',
  'pino',
  'pino-http',
  'tar',
  'pacote',
  '@npmcli/[^/]+',
  'yauzl',
  'request-filtering-agent',
  'undici',
  'nanoid',
];

module.exports = {
  forbidden: [
    {
      name: 'pure-no-node-builtins',
      comment: 'A pure package imports no Node module (fs, net, child_process, crypto, ...): the caller does I/O and hands in data.',
      severity: 'error',
      from: { path: pureSrc },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'pure-no-adapter-libraries',
      comment: 'A pure package imports no Docker, Redis, queue, HTTP, archive or logging library.',
      severity: 'error',
      from: { path: pureSrc },
      to: { path: `node_modules/(${ADAPTER_LIBRARIES.join('|')})/` },
    },
    {
      name: 'pure-only-pure-packages',
      comment: 'A pure package imports only other pure packages of this repository (never an adapter or an app).',
      severity: 'error',
      from: { path: pureSrc },
      to: { path: '^(packages|apps)/', pathNot: [`^packages/(${PURE.join('|')})/src/`] },
    },
    {
      name: 'packages-not-to-apps',
      comment: 'Packages never import apps: apps compose packages, not the other way round.',
      severity: 'error',
      from: { path: '^packages/' },
      to: { path: '^apps/' },
    },
    {
      name: 'apps-not-to-each-other',
      comment: 'An app imports packages, never another app: what two apps share belongs in a package.',
      severity: 'error',
      from: { path: '^apps/([^/]+)/' },
      to: { path: '^apps/', pathNot: '^apps/$1/' },
    },
    {
      name: 'no-circular',
      comment: 'No import cycles. A cycle made only of type imports (erased at compile time) is allowed.',
      severity: 'error',
      from: {},
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
    {
      name: 'src-not-to-tests',
      comment: 'Shipped code never imports test code or test-only libraries.',
      severity: 'error',
      from: { path: '^(packages|apps)/[^/]+/src/' },
      to: { path: ['/test/', 'node_modules/(vitest|ajv|ajv-formats)/'] },
    },
    {
      name: 'src-not-to-dev-dependencies',
      comment: 'Shipped code imports only what its package.json lists under dependencies.',
      severity: 'error',
      from: { path: '^(packages|apps)/[^/]+/src/' },
      to: { dependencyTypes: ['npm-dev'], dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'no-undeclared-dependencies',
      comment: 'Every npm package imported by shipped code is declared in its own package.json.',
      severity: 'error',
      from: { path: '^(packages|apps)/[^/]+/src/' },
      to: { dependencyTypes: ['npm-no-pkg', 'npm-unknown'] },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'Every import resolves.',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: ['^(packages|apps)/[^/]+/dist/', '(^|/)test/fixtures/', '^sandbox-images/'] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.eslint.json' },
    combinedDependencies: false,
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
