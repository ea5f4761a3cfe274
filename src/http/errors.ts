// The responses Hawser produces itself, byte for byte as HAProxy 2.6 sends
// them, so that monitoring that matches on them keeps working. 400 and 408
// are answered by HAProxy's H1 layer (capitalised names, connection closed);
// the others go through its HTX layer (lower-case names).

const TEXTS: Record<number, [string, string]> = {
  200: ['OK', 'Service ready.'],
  400: ['Bad request', 'Your browser sent an invalid request.'],
  401: ['Unauthorized', 'You need a valid user and password to access this content.'],
  403: ['Forbidden', 'Request forbidden by administrative rules.'],
  404: ['Not Found', 'The resource could not be found.'],
  405: ['Method Not Allowed', 'A request was made of a resource using a request method not supported by that resource'],
  408: ['Request Time-out', "Your browser didn't send a complete request in time."],
  410: ['Gone', 'The resource is no longer available and will not be available again.'],
  413: ['Payload Too Large', 'The request entity exceeds the maximum allowed.'],
  429: ['Too Many Requests', 'You have sent too many requests in a given amount of time.'],
  500: ['Internal Server Error', 'An internal server error occurred.'],
  501: ['Not Implemented', 'The server does not support the functionality required to fulfill the request.'],
  502: ['Bad Gateway', 'The server returned an invalid or incomplete response.'],
  503: ['Service Unavailable', 'No server is available to handle this request.'],
  504: ['Gateway Time-out', "The server didn't respond in time."],
};

const cache = new Map<number, Buffer>();

/** The status codes Hawser can answer by itself. */
export const ERROR_STATUSES = Object.keys(TEXTS).map(Number);

export function reasonPhrase(status: number): string {
  return TEXTS[status]?.[0] ?? 'Unknown';
}

/** The full response for `status`, built once and shared. */
export function errorResponse(status: number): Buffer {
  let b = cache.get(status);
  if (b) return b;
  const [reason, text] = TEXTS[status] ?? TEXTS[500];
  const body = `<html><body><h1>${status} ${reason}</h1>\n${text}\n</body></html>\n`;
  const h1Layer = status === 400 || status === 408;
  const head = h1Layer
    ? `HTTP/1.1 ${status} ${reason}\r\nContent-length: ${body.length}\r\nCache-Control: no-cache\r\nConnection: close\r\nContent-Type: text/html\r\n\r\n`
    : `HTTP/1.1 ${status} ${reason}\r\ncontent-length: ${body.length}\r\ncache-control: no-cache\r\ncontent-type: text/html\r\n\r\n`;
  b = Buffer.from(head + body, 'latin1');
  cache.set(status, b);
  return b;
}

/** Whether HAProxy closes the client connection after this error. */
export function closesConnection(status: number): boolean {
  return status === 400 || status === 408 || status >= 500;
}
