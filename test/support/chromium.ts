// Headless Chromium (Debian's `chromium`) driven over the DevTools protocol
// on a pipe (--remote-debugging-pipe: fd 3 in, fd 4 out, NUL-terminated
// JSON), so a test can load a page as a person would, answer its basic-auth
// prompt, click on it, and keep a screenshot. The browser and its profile
// directory are removed at teardown.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import type { ExecutionContext } from 'ava';

/** Where screenshots are kept for a person to look at (git-ignored). */
export const ARTIFACTS_DIR = resolve(import.meta.dirname, '../../test-artifacts');

type Json = Record<string, unknown>;

interface Pending {
  resolve: (v: Json) => void;
  reject: (e: Error) => void;
}

export class Browser {
  private readonly child: ChildProcess;
  private readonly out: Writable;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly listeners: Array<{ method: string; sessionId?: string; fn: (params: Json) => void }> = [];
  private buf = '';

  constructor(child: ChildProcess) {
    this.child = child;
    this.out = child.stdio[3] as Writable;
    const input = child.stdio[4] as Readable;
    input.setEncoding('utf8');
    input.on('data', (d: string) => this.onData(d));
    child.on('exit', () => {
      for (const p of this.pending.values()) p.reject(new Error('chromium exited'));
      this.pending.clear();
    });
  }

  private onData(d: string): void {
    this.buf += d;
    let z: number;
    while ((z = this.buf.indexOf('\0')) >= 0) {
      const msg = JSON.parse(this.buf.slice(0, z)) as Json;
      this.buf = this.buf.slice(z + 1);
      if (typeof msg.id === 'number') {
        const p = this.pending.get(msg.id);
        this.pending.delete(msg.id);
        if (p === undefined) continue;
        if (msg.error !== undefined) p.reject(new Error(JSON.stringify(msg.error)));
        else p.resolve((msg.result ?? {}) as Json);
        continue;
      }
      for (const l of [...this.listeners]) {
        if (l.method === msg.method && (l.sessionId === undefined || l.sessionId === msg.sessionId)) l.fn((msg.params ?? {}) as Json);
      }
    }
  }

  send(method: string, params: Json = {}, sessionId?: string): Promise<Json> {
    const id = this.nextId++;
    const msg: Json = { id, method, params };
    if (sessionId !== undefined) msg.sessionId = sessionId;
    return new Promise((res, rej) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        rej(new Error(`chromium: ${method} timed out`));
      }, 20_000);
      this.pending.set(id, {
        resolve: (v) => {
          clearTimeout(timer);
          res(v);
        },
        reject: (e) => {
          clearTimeout(timer);
          rej(e);
        },
      });
      this.out.write(JSON.stringify(msg) + '\0');
    });
  }

  on(method: string, fn: (params: Json) => void, sessionId?: string): () => void {
    const l = { method, sessionId, fn };
    this.listeners.push(l);
    return () => {
      const i = this.listeners.indexOf(l);
      if (i >= 0) this.listeners.splice(i, 1);
    };
  }

  /** A new tab, attached; basic-auth challenges are answered with `auth`. */
  async newPage(width: number, height: number, auth?: { user: string; password: string }): Promise<Page> {
    const { targetId } = (await this.send('Target.createTarget', { url: 'about:blank' })) as { targetId: string };
    const { sessionId } = (await this.send('Target.attachToTarget', { targetId, flatten: true })) as { sessionId: string };
    const page = new Page(this, sessionId);
    await page.send('Page.enable');
    await page.send('Runtime.enable');
    await page.send('Emulation.setDeviceMetricsOverride', { width, height, deviceScaleFactor: 1, mobile: width < 600 });
    if (auth !== undefined) {
      // What a person does in the browser's password dialog.
      this.on('Fetch.requestPaused', (p) => void page.send('Fetch.continueRequest', { requestId: p.requestId }).catch(() => {}), sessionId);
      this.on(
        'Fetch.authRequired',
        (p) =>
          void page
            .send('Fetch.continueWithAuth', {
              requestId: p.requestId,
              authChallengeResponse: { response: 'ProvideCredentials', username: auth.user, password: auth.password },
            })
            .catch(() => {}),
        sessionId,
      );
      await page.send('Fetch.enable', { handleAuthRequests: true, patterns: [{ urlPattern: '*' }] });
    }
    return page;
  }

  /** Kills chromium's whole process group (its renderer and helper processes too); resolves once the browser is gone (at most 5 s). */
  close(): Promise<void> {
    const c = this.child;
    if (c.exitCode !== null || c.signalCode !== null) return Promise.resolve();
    const gone = new Promise<void>((res) => {
      const bound = setTimeout(res, 5000);
      c.once('exit', () => {
        clearTimeout(bound);
        res();
      });
    });
    try {
      process.kill(-c.pid!, 'SIGKILL');
    } catch {
      c.kill('SIGKILL');
    }
    return gone;
  }
}

export class Page {
  readonly browser: Browser;
  readonly sessionId: string;

  constructor(browser: Browser, sessionId: string) {
    this.browser = browser;
    this.sessionId = sessionId;
  }

  send(method: string, params: Json = {}): Promise<Json> {
    return this.browser.send(method, params, this.sessionId);
  }

  /** Resolves on the next load event of this tab (a navigation, a form post's redirect...). */
  nextLoad(timeoutMs = 15_000): Promise<void> {
    return new Promise((res, rej) => {
      const timer = setTimeout(() => {
        off();
        rej(new Error('page did not load'));
      }, timeoutMs);
      const off = this.browser.on(
        'Page.loadEventFired',
        () => {
          clearTimeout(timer);
          off();
          res();
        },
        this.sessionId,
      );
    });
  }

  async goto(url: string): Promise<void> {
    const loaded = this.nextLoad();
    await this.send('Page.navigate', { url });
    await loaded;
  }

  /** Evaluates `expression` in the page and returns its (JSON) value. */
  async eval<T>(expression: string): Promise<T> {
    const r = (await this.send('Runtime.evaluate', { expression, returnByValue: true, awaitPromise: true })) as {
      result: { value: T };
      exceptionDetails?: unknown;
    };
    if (r.exceptionDetails !== undefined) throw new Error(`page script failed: ${JSON.stringify(r.exceptionDetails)}`);
    return r.result.value;
  }

  /** A real mouse click (pressed and released) in the middle of the element `selector` matches. */
  async click(selector: string): Promise<void> {
    const box = await this.eval<{ x: number; y: number } | null>(
      `(() => { const e = document.querySelector(${JSON.stringify(selector)}); if (!e) return null;
        e.scrollIntoView({block: 'center', inline: 'center'}); const r = e.getBoundingClientRect();
        return { x: r.left + r.width / 2, y: r.top + r.height / 2 }; })()`,
    );
    if (box === null) throw new Error(`no element matches ${selector}`);
    for (const type of ['mouseMoved', 'mousePressed', 'mouseReleased']) {
      await this.send('Input.dispatchMouseEvent', { type, x: box.x, y: box.y, button: 'left', clickCount: 1 });
    }
  }

  /** A PNG of the whole page, written under test-artifacts/; returns its path. */
  async screenshot(name: string): Promise<{ path: string; png: Buffer }> {
    const { data } = (await this.send('Page.captureScreenshot', { format: 'png', captureBeyondViewport: true })) as { data: string };
    mkdirSync(ARTIFACTS_DIR, { recursive: true });
    const path = join(ARTIFACTS_DIR, name);
    const png = Buffer.from(data, 'base64');
    writeFileSync(path, png);
    return { path, png };
  }
}

/** Starts headless chromium with a throw-away profile; killed and cleaned at teardown. */
export async function launchChromium(t: ExecutionContext): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), 'hawser-chromium-'));
  const args = [
    '--headless',
    '--remote-debugging-pipe',
    `--user-data-dir=${profile}`,
    '--disable-gpu',
    '--no-first-run',
    '--no-default-browser-check',
    '--disable-extensions',
    '--disable-background-networking',
    '--disable-dev-shm-usage',
    'about:blank',
  ];
  // Chromium refuses to run as root with its sandbox on (CI runs as root).
  if (process.getuid?.() === 0) args.unshift('--no-sandbox');
  // Its own process group: at teardown the helpers that still write into the profile die with it.
  const child = spawn('chromium', args, { stdio: ['ignore', 'ignore', 'ignore', 'pipe', 'pipe'], detached: true });
  const browser = new Browser(child);
  t.teardown(async () => {
    await browser.close();
    rmSync(profile, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
  });
  await new Promise<void>((res, rej) => {
    child.once('error', rej);
    child.once('spawn', () => res());
  });
  // The pipe is served once the browser is up: the first answer says so.
  await browser.send('Browser.getVersion');
  return browser;
}
