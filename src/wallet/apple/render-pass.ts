/**
 * @module wallet/apple/render-pass
 * A card's current .pkpass: its entitlements read in one round trip, its static signed code,
 * pass.json from the brand's design, signed by the prepared template.
 */
import type { AppDeps } from '../../context.ts';
import { loadEntitlements } from '../../loyalty/cards.ts';
import type { PassCrypto } from './pass-crypto.ts';
import { passJson } from './pass-json.ts';
import { type PassRow, passToken } from './passes.ts';
import { buildPkpass } from './pkpass.ts';
import type { AppleTemplate } from './prepared-templates.ts';
import type { ZipParts } from './zip.ts';

export type RenderDeps = Pick<AppDeps, 'database' | 'pepper' | 'cardCodes' | 'config'> & {
  passCrypto: PassCrypto;
};

export const PKPASS_TYPE = 'application/vnd.apple.pkpass';

export async function renderPass(deps: RenderDeps, template: AppleTemplate, pass: PassRow, now: number) {
  const [entitlements, code, authenticationToken] = await Promise.all([
    loadEntitlements(deps.database, pass.brandId, pass.cardId, now),
    deps.cardCodes.staticCode(pass.cardId),
    passToken(deps.pepper, pass.brandId, pass.serial),
  ]);
  if (!entitlements) throw new Error('a pass without its card');
  const json = passJson(
    template.design,
    {
      passTypeId: template.passTypeId,
      teamId: template.teamId,
      webServiceUrl: `${deps.config.publicUrl}/wallet/apple`,
    },
    { serial: pass.serial, authenticationToken, code, entitlements, voided: pass.voided },
  );
  return buildPkpass(template.pass, json, new Date(now), deps.passCrypto);
}

/**
 * A response body over the archive's parts and its length. A default (not byte) stream, so the
 * template's shared parts are enqueued as they are: a byte stream would transfer, and so detach,
 * buffers that every other pass of the template still reads.
 */
export function pkpassBody({ parts, byteLength }: ZipParts) {
  let next = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      const part = parts[next++];
      if (part) controller.enqueue(part);
      else controller.close();
    },
  });
  return { body, headers: { 'content-type': PKPASS_TYPE, 'content-length': String(byteLength) } };
}

/** `Last-Modified` of a modification tag (seconds). */
export const httpDate = (seconds: number) => new Date(seconds * 1000).toUTCString();
