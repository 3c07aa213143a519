import { createTestDatabase } from './test-database';

/**
 * Jest global set-up for integration tests: one fresh, migrated database per
 * run (so parallel runs and leftovers never interfere), shared with the test
 * workers through the environment.
 */
export default async function globalSetup(): Promise<void> {
  const { name, url } = await createTestDatabase();
  process.env.LECTERN_TEST_DATABASE = name;
  process.env.DATABASE_URL = url;
}
