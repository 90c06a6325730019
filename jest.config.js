/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/test/deploy/'],
  // Type-checking runs once in `npm run typecheck`; jest only transpiles (tsconfig has isolatedModules).
  transform: { '^.+\\.ts$': ['ts-jest', {}] },
  testTimeout: 60000,
};
