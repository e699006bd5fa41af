// A small static file server for the built site: what `dagsorden serve` runs, and what the browser
// tests open. Folders answer with their index.html; names starting with `.` (the manifest) are never served.
// `dynamic` answers the addresses it knows first (the subscription endpoint under `abonnement/`).

import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { join, normalize, sep } from 'node:path';
import { contentTypeOf } from './build.js';

export function createSiteServer(dir: string, dynamic?: (req: IncomingMessage, res: ServerResponse) => Promise<boolean>): Server {
  const root = normalize(dir + sep);
  return createServer((req, res) => {
    void (async () => {
      if (dynamic && (await dynamic(req, res))) return;
      const url = new URL(req.url ?? '/', 'http://localhost');
      let name: string;
      try {
        name = decodeURIComponent(url.pathname);
      } catch {
        name = '\0';
      }
      const parts = name.split('/').filter((p) => p !== '');
      const notFound = () => {
        res.writeHead(404, { 'content-type': 'text/html; charset=utf-8' });
        res.end('<!doctype html><html lang="da"><head><meta charset="utf-8"><title>Siden findes ikke</title></head><body><main><h1>Siden findes ikke</h1><p><a href="/">Gå til forsiden</a></p></main></body></html>');
      };
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405, { allow: 'GET, HEAD' });
        res.end();
        return;
      }
      if (parts.some((p) => p.startsWith('.') || p.includes('\0') || p.includes('\\'))) return notFound();
      let path = normalize(join(root, ...parts));
      if (!path.startsWith(root) && path + sep !== root) return notFound();
      let info = await stat(path).catch(() => undefined);
      if (info?.isDirectory()) {
        if (!url.pathname.endsWith('/')) {
          res.writeHead(301, { location: url.pathname + '/' + url.search });
          res.end();
          return;
        }
        path = join(path, 'index.html');
        info = await stat(path).catch(() => undefined);
      }
      if (!info?.isFile()) return notFound();
      res.writeHead(200, { 'content-type': contentTypeOf(path), 'content-length': info.size, 'cache-control': 'no-cache' });
      if (req.method === 'HEAD') {
        res.end();
        return;
      }
      createReadStream(path).pipe(res);
    })().catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
}
