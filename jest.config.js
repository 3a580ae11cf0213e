/** One jest run over every workspace; TypeScript is transpiled by ts-jest, type-checked by `npm run typecheck`. */
// Transpile-only (isolatedModules): type errors are caught by `npm run typecheck`, not at test time.
const tsJest = ['ts-jest', { tsconfig: '<rootDir>/tsconfig.jest.json' }];

module.exports = {
  testEnvironment: 'node',
  roots: [
    '<rootDir>/chaincode',
    '<rootDir>/ledger',
    '<rootDir>/network',
    '<rootDir>/datalake',
    '<rootDir>/gateway',
    '<rootDir>/portal',
  ],
  testMatch: ['**/*.test.ts', '**/*.test.tsx'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  modulePathIgnorePatterns: ['<rootDir>/[^/]+/dist/'],
  transform: { '^.+\\.tsx?$': tsJest },
  // Tests run against the sources of sibling workspaces, never their build output — except the platform's service
  // threads (the embedded network, the embedded S3 server), which run the build (`npm test` builds first).
  moduleNameMapper: {
    '^@custodia/([a-z]+)$': '<rootDir>/$1/src/index.ts',
    '^@custodia/([a-z]+)/(.+)$': '<rootDir>/$1/src/$2',
  },
  setupFiles: ['<rootDir>/jest.setup.js'],
  testTimeout: 30000,
};
