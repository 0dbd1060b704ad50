import type { Migration } from '../migration';

// Version 4 belongs to a change developed on another branch at the same time (the bundle guard). This no-op keeps
// the versions consecutive on this branch only; the merge replaces it with the real step 4.
export const reservedMigration: Migration = {
  version: 4,
  name: 'reserved',
  sql: 'SELECT 1;',
};
