/**
 * A local fake of Cegid Retail Y2's customer web service (SOAP 1.1): Basic auth as
 * `database\login:password`, the SOAPAction naming the operation, UpdateCustomer answering a
 * `CustomerNotFound` fault for unknown customers, AddNewCustomer, HelloWorld, and outages.
 */
export const CEGID_URL = 'https://y2.fake/Y2';

const fault = (code: string, text: string) =>
  new Response(
    `<?xml version="1.0"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><s:Fault><faultcode>${code}</faultcode><faultstring>${text}</faultstring></s:Fault></s:Body></s:Envelope>`,
    { status: 500, headers: { 'content-type': 'text/xml' } },
  );

export class FakeCegidY2 {
  readonly database = 'DEMO_RETAIL';
  readonly login = 'zeropass';
  readonly password = 'y2-password';
  readonly customers = new Map<string, Record<string, string>>();
  readonly calls: string[] = [];
  creates = 0;
  outageStatus: number | undefined;

  fetch: typeof fetch = async (input, init) => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    if (url.origin + url.pathname !== `${CEGID_URL}/CustomerWcfService.svc`)
      return new Response('not found', { status: 404 });
    const expected = `Basic ${btoa(`${this.database}\\${this.login}:${this.password}`)}`;
    if (request.headers.get('authorization') !== expected)
      return new Response('unauthorized', { status: 401 });
    if (this.outageStatus) return new Response('unavailable', { status: this.outageStatus });
    const operation = /\/(\w+)"?$/.exec(request.headers.get('soapaction') ?? '')?.[1] ?? '';
    this.calls.push(operation);
    const body = await request.text();
    if (!body.includes(`<ret:DatabaseId>${this.database}</ret:DatabaseId>`))
      return fault('s:Client.Database', 'unknown database');
    const fields: Record<string, string> = {};
    for (const m of body.matchAll(/<ret:(\w+)>([^<]*)<\/ret:\1>/g))
      if (m[1] && m[2] !== undefined) fields[m[1]] = m[2];
    const id = fields.CustomerId ?? '';
    if (operation === 'HelloWorld')
      return this.ok('HelloWorld', '<HelloWorldResult>zeropass</HelloWorldResult>');
    if (operation === 'UpdateCustomer') {
      const existing = this.customers.get(id);
      if (!existing) return fault('s:Client.CustomerNotFound', 'customer not found');
      Object.assign(existing, fields);
      return this.ok('UpdateCustomer', '');
    }
    if (operation === 'AddNewCustomer') {
      if (this.customers.has(id)) return fault('s:Client.Validation', 'customer exists');
      this.customers.set(id, fields);
      this.creates++;
      return this.ok('AddNewCustomer', `<AddNewCustomerResult>${id}</AddNewCustomerResult>`);
    }
    return fault('s:Client', 'unknown operation');
  };

  private ok(operation: string, inner: string) {
    return new Response(
      `<?xml version="1.0"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><${operation}Response xmlns="http://www.cegid.fr/Retail/1.0">${inner}</${operation}Response></s:Body></s:Envelope>`,
      { status: 200, headers: { 'content-type': 'text/xml' } },
    );
  }
}
