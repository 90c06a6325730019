/** @type {import('jest').Config} */
module.exports = {
  ...require('./jest.config.js'),
  testPathIgnorePatterns: ['/node_modules/'],
  testMatch: ['**/test/deploy/**/*.test.ts'],
  testTimeout: 360000,
};
