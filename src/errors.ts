/**
 * @module errors
 * One error body for the whole API: RFC 9457 problem+json with a stable `code`.
 * Clients branch on `code`; `title` and `status` follow from it, `detail` is for humans.
 * @see https://www.rfc-editor.org/rfc/rfc9457
 */
import { z } from '@hono/zod-openapi';

export const problemCodes = {
  invalid_request: { status: 400, title: 'The request is malformed or fails validation' },
  unauthorized: { status: 401, title: 'Missing or invalid credentials' },
  invalid_identity_token: { status: 401, title: 'The identity token was rejected' },
  forbidden: { status: 403, title: 'These credentials may not do this' },
  not_found: { status: 404, title: 'No such resource' },
  method_not_allowed: { status: 405, title: 'Method not allowed' },
  conflict: { status: 409, title: 'The request conflicts with the current state' },
  gone: { status: 410, title: 'The resource is no longer available' },
  payload_too_large: { status: 413, title: 'The request body is too large' },
  unsupported_media_type: { status: 415, title: 'The request body must be JSON' },
  unprocessable: { status: 422, title: 'The request is well-formed but cannot be processed' },
  rate_limited: { status: 429, title: 'Too many requests' },
  idempotency_key_required: { status: 400, title: 'This write needs an Idempotency-Key header' },
  idempotency_key_reused: {
    status: 422,
    title: 'This Idempotency-Key was already used with a different request',
  },
  idempotency_conflict: { status: 409, title: 'A request with this Idempotency-Key is still in progress' },
  invalid_card_code: { status: 422, title: 'The card code is not valid' },
  card_code_used: { status: 409, title: 'This rotating card code was already used' },
  card_not_found: { status: 404, title: 'No such card' },
  card_blocked: { status: 409, title: 'The card is blocked' },
  insufficient_points: { status: 409, title: 'The card does not have enough points' },
  voucher_unavailable: { status: 409, title: 'The voucher is not available: used, expired or unknown' },
  already_reversed: { status: 409, title: 'This ledger entry was already reversed' },
  scan_required: { status: 403, title: 'Spending needs a card code scanned at this till just now' },
  scan_expired: { status: 403, title: 'The scan is too old to spend from; scan the card again' },
  rotating_code_required: {
    status: 403,
    title: 'This brand spends points and vouchers only with a rotating code',
  },
  invalid_pass_credentials: { status: 422, title: 'The pass signing credentials were refused' },
  invalid_image: { status: 422, title: 'The image was refused' },
  wallet_not_configured: { status: 409, title: 'The brand has not set up this wallet yet' },
  internal: { status: 500, title: 'Internal error' },
  unavailable: { status: 503, title: 'A dependency is unavailable' },
} as const;

export type ProblemCode = keyof typeof problemCodes;

export type FieldIssue = { path: string; message: string };

export class AppError extends Error {
  readonly code: ProblemCode;
  readonly issues: FieldIssue[] | undefined;
  constructor(code: ProblemCode, detail?: string, issues?: FieldIssue[]) {
    super(detail ?? problemCodes[code].title);
    this.name = 'AppError';
    this.code = code;
    this.issues = issues;
  }
  get status(): number {
    return problemCodes[this.code].status;
  }
}

export type Result<T, E = AppError> = { ok: true; value: T } | { ok: false; error: E };
export const ok = <T>(value: T): Result<T, never> => ({ ok: true, value });
export const err = (code: ProblemCode, detail?: string): Result<never> => ({
  ok: false,
  error: new AppError(code, detail),
});

export type ProblemBody = {
  type: string;
  title: string;
  status: number;
  code: ProblemCode;
  detail: string;
  instance?: string;
  requestId: string;
  errors?: FieldIssue[];
};

export function problemBody(error: AppError, requestId: string, instance?: string): ProblemBody {
  const { status, title } = problemCodes[error.code];
  return {
    type: `https://zeropass.dev/problems/${error.code.replaceAll('_', '-')}`,
    title,
    status,
    code: error.code,
    detail: error.message,
    ...(instance ? { instance } : {}),
    requestId,
    ...(error.issues ? { errors: error.issues } : {}),
  };
}

const codeEnum = Object.keys(problemCodes) as [ProblemCode, ...ProblemCode[]];

export const ProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    code: z.enum(codeEnum),
    detail: z.string(),
    instance: z.string().optional(),
    requestId: z.string(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .openapi('Problem');

/** Response entries for createRoute: every listed status answers with a Problem. */
export function problemResponses(...statuses: number[]) {
  const out: Record<
    number,
    { description: string; content: Record<string, { schema: typeof ProblemSchema }> }
  > = {};
  for (const status of statuses) {
    out[status] = {
      description: 'Problem',
      content: { 'application/problem+json': { schema: ProblemSchema } },
    };
  }
  return out;
}
