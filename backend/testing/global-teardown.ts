import { dropTestDatabase } from './test-database';

export default async function globalTeardown(): Promise<void> {
  const name = process.env.LECTERN_TEST_DATABASE;
  if (name && process.env.LECTERN_KEEP_TEST_DATABASE !== '1') await dropTestDatabase(name);
}
