// Configuration text the integration tests share.

/** A `defaults` section for HTTP proxies with short test timeouts. */
export const HTTP_DEFAULTS = `defaults
    mode http
    timeout connect 1s
    timeout client 5s
    timeout server 5s
`;
