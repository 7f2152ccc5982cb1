/**
 * @module wallet/apple/apns
 * The APNs transport port. A pass update push is an empty JSON payload sent to the device's push
 * token with `apns-topic` = the pass type id and `apns-push-type: background`; Wallet then asks the
 * pass web service what changed. Node sends over `node:http2` (`src/node/node-apns.ts`), Workers
 * over `fetch` (`apns-fetch.ts`); both map APNs' answers to the same outcomes so the push job
 * decides once what a 410 or a 429 means.
 * @see https://developer.apple.com/documentation/usernotifications/sending-notification-requests-to-apns
 * @see https://developer.apple.com/documentation/usernotifications/handling-notification-responses-from-apns
 */

/** How a brand authenticates to APNs: a .p8 signing key (token auth) or its Pass Type ID certificate. */
export type ApnsCredentials =
  | {
      kind: 'token';
      teamId: string;
      keyId: string /** PKCS#8 PEM of the .p8 key (P-256). */;
      privateKeyPem: string;
    }
  | { kind: 'certificate'; certificatePem: string; privateKeyPem: string };

export type ApnsPush = {
  /** Hex push token the device gave at registration. */
  deviceToken: string;
  /** The pass type id. */
  topic: string;
  credentials: ApnsCredentials;
  /**
   * Identifies these credentials for caching (JWT, TLS session): brand id + template version.
   * Two pushes with the same id must carry the same credentials.
   */
  credentialsId: string;
};

export type ApnsOutcome =
  | { status: 'sent'; apnsId: string | undefined }
  /** 410, or 400 BadDeviceToken / DeviceTokenNotForTopic: the token is gone, drop the registration. */
  | { status: 'unregistered'; reason: string }
  /** 429, 5xx, a reset or a timeout: try again later. */
  | { status: 'retry'; reason: string; retryAfterMs: number | undefined }
  /** Any other refusal (bad topic, bad credentials): retrying will not help. */
  | { status: 'rejected'; reason: string };

export interface ApnsTransport {
  send(push: ApnsPush): Promise<ApnsOutcome>;
  /** Closes pooled connections (Node); a no-op where there are none. */
  close(): Promise<void>;
}
