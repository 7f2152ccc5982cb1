/**
 * @module connectors/cegid-y2/client
 * Cegid Retail Y2 customer web services (SOAP 1.1 over HTTPS, Basic auth `database\login`).
 * A contact becomes UpdateCustomer, falling back to AddNewCustomer when Y2 does not know the
 * customer yet; consents for the `consents_email`, `consents_post` and `consents_sms` purposes
 * (and purposes named email/post/sms) set OptinEmail, OptinPostal and OptinMobile. The Y2
 * customer code is a hash of the zeropass customer ID (Y2 codes are at most 17 characters),
 * so replays update the same customer. Calls are one per message: Y2 has no batch operation.
 */
import { sha256Hex } from '../../src/crypto.ts';
import { err, ok, type Result } from '../../src/errors.ts';
import { retryAfterMs } from '../../src/http/retry-after.ts';
import type { ContactData, RelayMessage } from '../../src/relay/relay.ts';
import {
  type ConnectorClient,
  type ConnectorRuntime,
  type DeliveryItem,
  type DeliveryResult,
  faultText,
} from '../types.ts';
import type { CegidY2Config } from './manifest.ts';

export const Y2_NAMESPACE = 'http://www.cegid.fr/Retail/1.0';
const SERVICE = 'CustomerWcfService.svc';

/** `ZP` + 15 hex digits of SHA-256(customer ID): 60 bits, deterministic, within Y2's 17 characters. */
export async function y2CustomerCode(customerId: string): Promise<string> {
  return `ZP${(await sha256Hex(customerId)).slice(0, 15).toUpperCase()}`;
}

export function optinFieldOf(purpose: string): 'OptinEmail' | 'OptinPostal' | 'OptinMobile' | undefined {
  const key = purpose.replace(/^consents_/, '');
  if (key === 'email') return 'OptinEmail';
  if (key === 'post' || key === 'postal') return 'OptinPostal';
  if (key === 'sms' || key === 'mobile') return 'OptinMobile';
  return undefined;
}

const xml = (text: string) =>
  text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');

function fields(record: Record<string, string | boolean | undefined>): string {
  return Object.entries(record)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `<ret:${k}>${xml(String(v))}</ret:${k}>`)
    .join('');
}

export function contactRecord(contact: ContactData): Record<string, string | undefined> {
  return {
    FirstName: contact.firstName,
    LastName: contact.lastName,
    Email: contact.email,
    CellularPhoneNumber: contact.phone,
    BirthDate: contact.birthDate,
    ZipCode: contact.postalCode,
    UsualStoreId: contact.preferredStore,
  };
}

export class CegidY2Client implements ConnectorClient {
  private readonly config: CegidY2Config;
  private readonly runtime: ConnectorRuntime;

  constructor(config: CegidY2Config, runtime: ConnectorRuntime) {
    this.config = config;
    this.runtime = runtime;
  }

  /** One SOAP call; answers the HTTP status and the fault code, if any. */
  async soap(
    operation: string,
    inner: string,
  ): Promise<{ status: number; fault: string | undefined; answered: boolean; retryAfter: string | null }> {
    const envelope = `<?xml version="1.0" encoding="utf-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:ret="${Y2_NAMESPACE}"><soapenv:Body><ret:${operation}>${inner}<ret:clientContext><ret:DatabaseId>${xml(this.config.database)}</ret:DatabaseId></ret:clientContext></ret:${operation}></soapenv:Body></soapenv:Envelope>`;
    const basic = btoa(`${this.config.database}\\${this.config.login}:${this.config.password}`);
    const response = await this.runtime.fetch(`${this.config.baseUrl.replace(/\/$/, '')}/${SERVICE}`, {
      method: 'POST',
      headers: {
        'content-type': 'text/xml; charset=utf-8',
        soapaction: `"${Y2_NAMESPACE}/ICbrCustomerWcfService/${operation}"`,
        authorization: `Basic ${basic}`,
      },
      body: envelope,
      signal: AbortSignal.timeout(this.config.timeoutMs),
    });
    const text = await response.text();
    const fault = /<faultcode>([^<]*)<\/faultcode>/.exec(text)?.[1];
    // A 2xx is only an answer when it is the operation's SOAP response (not a proxy's page).
    const answered = text.includes(`${operation}Response`);
    return { status: response.status, fault, answered, retryAfter: response.headers.get('retry-after') };
  }

  private async upsert(code: string, record: Record<string, string | boolean | undefined>) {
    const body = `<ret:customerData><ret:CustomerId>${code}</ret:CustomerId>${fields(record)}</ret:customerData>`;
    const updated = await this.soap('UpdateCustomer', body);
    if (updated.status === 500 && updated.fault?.endsWith('CustomerNotFound'))
      return this.soap('AddNewCustomer', body);
    return updated;
  }

  private async deliverOne(item: DeliveryItem): Promise<DeliveryResult> {
    const { envelopeId } = item;
    const message: RelayMessage = item.message;
    let record: Record<string, string | boolean | undefined>;
    if (message.kind === 'contact.upsert') record = contactRecord(message.contact);
    else if (message.kind === 'consent.recorded') {
      const field = optinFieldOf(message.event.purpose);
      // A purpose Y2 has no opt-in for is not an error: there is nothing to write.
      if (!field) return { envelopeId, status: 'delivered' };
      record = { [field]: message.event.action === 'grant' };
    } else return { envelopeId, status: 'rejected', error: `Y2 connector does not handle ${message.kind}` };
    try {
      const result = await this.upsert(await y2CustomerCode(message.customerId), record);
      if (result.status >= 200 && result.status < 300) {
        if (result.answered) return { envelopeId, status: 'delivered' };
        return { envelopeId, status: 'retry', error: `Y2 answered ${result.status} without a SOAP response` };
      }
      // Throttled (429), timed out at a proxy (408) or down (5xx but a validation fault): later.
      const transient =
        result.status === 429 ||
        result.status === 408 ||
        (result.status >= 500 && !result.fault?.includes('Validation'));
      if (transient) {
        const wait = retryAfterMs(result.retryAfter, this.runtime.now());
        return {
          envelopeId,
          status: 'retry',
          error: `Y2 answered ${result.status} ${result.fault ?? ''}`.trim(),
          ...(wait ? { retryAfterMs: wait } : {}),
        };
      }
      return {
        envelopeId,
        status: 'rejected',
        error: `Y2 answered ${result.status} ${result.fault ?? ''}`.trim(),
      };
    } catch (error) {
      const refused = error instanceof Error && error.name === 'OutboundRefused';
      return { envelopeId, status: refused ? 'rejected' : 'retry', error: faultText(error) };
    }
  }

  async deliver(items: readonly DeliveryItem[]): Promise<DeliveryResult[]> {
    const out: DeliveryResult[] = [];
    for (let i = 0; i < items.length; i += 4) {
      out.push(...(await Promise.all(items.slice(i, i + 4).map((item) => this.deliverOne(item)))));
    }
    return out;
  }

  async testConnection(): Promise<Result<{ detail: string }>> {
    try {
      const result = await this.soap('HelloWorld', '<ret:text>zeropass</ret:text>');
      if (result.status === 200) return ok({ detail: 'Y2 answered HelloWorld' });
      return err('unavailable', `Y2 answered ${result.status}`);
    } catch (error) {
      return err('unavailable', `Y2 could not be reached (${faultText(error)})`);
    }
  }
}
