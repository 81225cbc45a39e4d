// Helpers that bring the real stack into tests: no mocks of PostgreSQL, Redis or Kafka.
export * from './app-process';
export * from './fresh-resources';
export * from './stack-env';
export * from './test-logger';
export * from './two-tier-fixture';
export * from './wait-for';
