/**
 * @module wallet/apple/device-logs
 * What Wallet posts to `/v1/log` when it finds fault with the web service. The endpoint has no
 * credentials, so a line is kept only when it names a pass type id of a brand (its template),
 * after scrubbing: emails, JWTs and API keys go (log/logger's rules), and so does anything that
 * could be an authentication token (long base64url-looking runs). Brand admins list them.
 */
import { and, desc, eq, inArray, lt } from 'drizzle-orm';
import { randomId } from '../../crypto.ts';
import type { Database } from '../../db/database.ts';
import { appleDeviceLogs, applePassTemplates } from '../../db/schema/index.ts';
import { scrubText } from '../../log/logger.ts';

export const MAX_LOG_LINES = 20;
const PASS_TYPE_ID = /pass\.[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+/g;

export function scrubDeviceLog(message: string): string {
  return scrubText(
    message
      .replace(/ApplePass\s+\S+/gi, 'ApplePass [redacted]')
      // Tokens, push tokens and other long opaque runs; serials (aps_…) are ids, not secrets.
      .replace(/\b(?!aps_)[A-Za-z0-9_-]{24,}\b/g, '[redacted]'),
  ).slice(0, 1000);
}

/** Stores the lines that name a known pass type id; answers how many were kept. */
export async function recordDeviceLogs(
  database: Database,
  lines: readonly string[],
  now: number,
): Promise<number> {
  const named = lines
    .slice(0, MAX_LOG_LINES)
    .map((line) => ({ line, ids: [...new Set(line.match(PASS_TYPE_ID))] }));
  const ids = [...new Set(named.flatMap((n) => n.ids))].slice(0, 50);
  if (!ids.length) return 0;
  const owners = await database.db
    .select({ brandId: applePassTemplates.brandId, passTypeId: applePassTemplates.passTypeId })
    .from(applePassTemplates)
    .where(inArray(applePassTemplates.passTypeId, ids));
  // Brands that share a pass type id share its certificate, hence its operator: each sees the line.
  const rows = named.flatMap(({ line, ids: lineIds }) => {
    const brands = new Set(owners.filter((o) => lineIds.includes(o.passTypeId)).map((o) => o.brandId));
    return [...brands].map((brandId) => ({
      id: randomId('dlg'),
      brandId,
      message: scrubDeviceLog(line),
      createdAt: now,
    }));
  });
  if (rows.length) await database.db.insert(appleDeviceLogs).values(rows);
  return rows.length;
}

export async function listDeviceLogs(database: Database, brandId: string, limit: number, before?: number) {
  return database.db
    .select({
      id: appleDeviceLogs.id,
      message: appleDeviceLogs.message,
      createdAt: appleDeviceLogs.createdAt,
    })
    .from(appleDeviceLogs)
    .where(
      and(
        eq(appleDeviceLogs.brandId, brandId),
        before === undefined ? undefined : lt(appleDeviceLogs.createdAt, before),
      ),
    )
    .orderBy(desc(appleDeviceLogs.createdAt), desc(appleDeviceLogs.id))
    .limit(limit);
}
