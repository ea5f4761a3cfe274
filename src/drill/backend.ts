// A drill backend: an HTTP server in its own namespace that answers every
// request with its name (body and X-Server header), so the client knows
// which server served it. Run: node backend.ts NAME PORT
import { createServer } from 'node:http';

const [name = 'backend', port = '8080'] = process.argv.slice(2);
const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    const body = `${name}\n`;
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': Buffer.byteLength(body), 'x-server': name });
    res.end(body);
  });
});
server.keepAliveTimeout = 5000;
server.listen(Number(port), '0.0.0.0', () => console.log(JSON.stringify({ event: 'backend-ready', name, port: Number(port) })));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
