import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { migrationIndexSource } from '../src/commands/migration-index';

describe('migrations/index.ts', () => {
  it('lists exactly the migration files of the folder, in timestamp order (as `migration:generate` writes it)', () => {
    const dir = join(__dirname, '../../migrations');
    expect(migrationIndexSource(dir)).toBe(readFileSync(join(dir, 'index.ts'), 'utf8'));
  });
});
