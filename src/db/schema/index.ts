/**
 * @module db/schema
 * The one drizzle schema (SQLite dialect) behind D1 and libsql, one file per area.
 * Every table of every area is listed in `schema`; the schema-columns privacy test reads it.
 */
import { consentTables } from './consent.ts';
import { coreTables } from './core.ts';
import { googleWalletTables } from './google-wallet.ts';
import { jobTables } from './jobs.ts';
import { loyaltyTables } from './loyalty.ts';
import { pushTables } from './push.ts';
import { relayTables } from './relay.ts';
import { rightsTables } from './rights.ts';
import { walletTables } from './wallet.ts';

export * from './consent.ts';
export * from './core.ts';
export * from './google-wallet.ts';
export * from './jobs.ts';
export * from './loyalty.ts';
export * from './push.ts';
export * from './relay.ts';
export * from './rights.ts';
export * from './wallet.ts';

export const schema = {
  ...coreTables,
  ...relayTables,
  ...jobTables,
  ...consentTables,
  ...loyaltyTables,
  ...walletTables,
  ...googleWalletTables,
  ...rightsTables,
  ...pushTables,
};
