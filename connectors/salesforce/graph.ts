/**
 * @module connectors/salesforce/graph
 * Upserts that depend on each other (a Contact on its Individual, a consent on both) in ONE
 * composite call: each step is an sObject Collections upsert of up to 200 records, and a record
 * points at a record of an earlier step with a composite reference (`@{ref[i].id}`). Records that
 * fail with a transient code are sent once more, together with the records they point at
 * (upserts are idempotent); results are per step and per external-ID value.
 * @see https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_composite_composite.htm
 */
import type { SalesforceRest, SaveResult, SObjectRecord } from './rest.ts';

export const TRANSIENT_RECORD_CODES = new Set([
  'UNABLE_TO_LOCK_ROW',
  'SERVER_UNAVAILABLE',
  'REQUEST_RUNNING_TOO_LONG',
  'PROCESSING_HALTED',
]);

export type GraphRecord = {
  key: string;
  record: SObjectRecord;
  /** Sets `field` to the id of the record `key` of step `ref`. */
  link?: { field: string; ref: string; key: string };
};
export type GraphStep = { ref: string; sobject: string; field: string; records: GraphRecord[] };
export type GraphResults = Map<string, Map<string, SaveResult>>;

export function isTransient(saved: SaveResult | undefined): boolean {
  return !!saved && !saved.success && saved.errors.some((e) => TRANSIENT_RECORD_CODES.has(e.statusCode));
}

async function run(rest: SalesforceRest, steps: GraphStep[], out: GraphResults) {
  const live = steps.filter((s) => s.records.length > 0);
  if (live.length === 0) return;
  const positions = new Map<string, Map<string, number>>();
  const subrequests = live.map((step) => {
    positions.set(step.ref, new Map(step.records.map((r, i) => [r.key, i])));
    const records = step.records.map((r) => {
      const at = r.link ? positions.get(r.link.ref)?.get(r.link.key) : undefined;
      return {
        attributes: { type: step.sobject },
        ...r.record,
        [step.field]: r.key,
        ...(r.link && at !== undefined ? { [r.link.field]: `@{${r.link.ref}[${at}].id}` } : {}),
      };
    });
    return {
      method: 'PATCH',
      url: rest.dataPath(`/composite/sobjects/${step.sobject}/${step.field}`),
      referenceId: step.ref,
      body: { allOrNone: false, records },
    };
  });
  const { compositeResponse } = await rest.composite(subrequests);
  live.forEach((step, i) => {
    const response = compositeResponse[i];
    const results = out.get(step.ref) ?? new Map<string, SaveResult>();
    out.set(step.ref, results);
    const body = response?.body;
    step.records.forEach((r, j) => {
      if (response?.httpStatusCode === 200 && Array.isArray(body)) {
        results.set(
          r.key,
          (body[j] as SaveResult | undefined) ?? { success: false, errors: [{ statusCode: 'NO_RESULT' }] },
        );
      } else {
        const code = Array.isArray(body) ? String((body[0] as { errorCode?: string })?.errorCode ?? '') : '';
        results.set(r.key, { success: false, errors: [{ statusCode: code || 'PROCESSING_HALTED' }] });
      }
    });
  });
}

/** One composite call for the graph, and one more for what failed transiently. */
export async function upsertGraph(rest: SalesforceRest, steps: GraphStep[]): Promise<GraphResults> {
  const out: GraphResults = new Map();
  await run(rest, steps, out);
  const again = new Map(steps.map((s) => [s.ref, new Set<string>()]));
  for (const step of [...steps].reverse()) {
    for (const r of step.records) {
      if (!isTransient(out.get(step.ref)?.get(r.key)) && !again.get(step.ref)?.has(r.key)) continue;
      again.get(step.ref)?.add(r.key);
      if (r.link) again.get(r.link.ref)?.add(r.link.key);
    }
  }
  if ([...again.values()].some((keys) => keys.size > 0)) {
    await run(
      rest,
      steps.map((s) => ({ ...s, records: s.records.filter((r) => again.get(s.ref)?.has(r.key)) })),
      out,
    );
  }
  return out;
}
