/** One jest run over every workspace; TypeScript is transpiled by swc, type-checked by `npm run typecheck`. */
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true, tsx: true },
      transform: { legacyDecorator: true, decoratorMetadata: true, react: { runtime: 'automatic' } },
      target: 'es2022',
    },
    module: { type: 'commonjs' },
  },
];

module.exports = {
  testEnvironment: 'node',
  roots: [
    '<rootDir>/chaincode',
    '<rootDir>/network',
    '<rootDir>/datalake',
    '<rootDir>/gateway',
    '<rootDir>/portal',
  ],
  testMatch: ['**/*.test.ts', '**/*.test.tsx'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  modulePathIgnorePatterns: ['<rootDir>/[^/]+/dist/'],
  transform: { '^.+\\.(t|j)sx?$': swc },
  // Tests run against the sources of sibling workspaces, never their build output.
  moduleNameMapper: {
    '^@custodia/([a-z]+)$': '<rootDir>/$1/src/index.ts',
    '^@custodia/([a-z]+)/(.+)$': '<rootDir>/$1/src/$2',
  },
  testTimeout: 30000,
};
