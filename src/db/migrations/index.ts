import type { Migration } from '../migration';
import { taskTablesMigration } from './001_taskTables';
import { analysisTablesMigration } from './002_analysisTables';
import { bundleInstallsMigration } from './003_bundleInstalls';
import { bundleGuardMigration } from './004_bundleGuard';
import { analysisMetricContractMigration } from './005_analysisMetricContract';
import { bundleDiffsMigration } from './006_bundleDiffs';

/** Every schema step, in order. Append only: a released migration is never edited. */
export const migrations: readonly Migration[] = [
  taskTablesMigration,
  analysisTablesMigration,
  bundleInstallsMigration,
  bundleGuardMigration,
  analysisMetricContractMigration,
  bundleDiffsMigration,
];
