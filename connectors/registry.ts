/**
 * @module connectors/registry
 * Every connector zeropass ships, by type. Adding one is a folder plus a line here.
 */
import type { ConnectorType } from '../src/db/schema/relay.ts';
import { cegidY2Manifest } from './cegid-y2/manifest.ts';
import { salesforceManifest } from './salesforce/manifest.ts';
import type { ConnectorManifest } from './types.ts';
import { webhookManifest } from './webhook/manifest.ts';

export const connectorRegistry: Record<ConnectorType, ConnectorManifest> = {
  salesforce: salesforceManifest as unknown as ConnectorManifest,
  webhook: webhookManifest as unknown as ConnectorManifest,
  'cegid-y2': cegidY2Manifest as unknown as ConnectorManifest,
};

export function manifestOf(type: ConnectorType): ConnectorManifest {
  return connectorRegistry[type];
}
