// Tests run as native ESM (node --experimental-vm-modules) with TypeScript compiled by swc.
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      {
        jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
        module: { type: 'es6' },
        sourceMaps: 'inline',
      },
    ],
  },
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  // The packed-and-installed CLI (about 80 s: npm pack and an offline npm ci) runs in CI through npm run test:package.
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/package/'],
  testTimeout: 30000,
};
