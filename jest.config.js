/** One jest run over every package and action; tests live beside the code. */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  roots: ['<rootDir>/packages', '<rootDir>/actions', '<rootDir>/tests'],
  testMatch: ['**/src/**/*.test.ts', '<rootDir>/tests/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  moduleNameMapper: {
    '^@potions/action-common$': '<rootDir>/actions/common/src/index.ts',
    '^@potions/([a-z-]+)$': '<rootDir>/packages/$1/src/index.ts',
    '^@potions/action-common/testing$': '<rootDir>/actions/common/src/testing.ts',
    '^@potions/([a-z-]+)/testing$': '<rootDir>/packages/$1/src/testing.ts',
  },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: '<rootDir>/tsconfig.json' }],
  },
  testTimeout: 60000,
};
