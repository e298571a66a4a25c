/**
 * `roleplay export <session> --format html` in a real headless browser (Debian's Chromium, driven by
 * playwright-core): the shipped example's report loads with no console error and no request beyond the file
 * itself, and a session full of hostile text stays inert (nothing runs, loads or breaks out of its element).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../support/cli.js';
import { HOSTILE, hostileRun, stamp, writeSession } from '../session/fixtures.js';

const CHROMIUM = '/usr/bin/chromium';

/** What the browser computed for `property` of the element (the tests' types have no DOM: this runs in the page). */
const computed = (locator: Locator, property: string) =>
  locator.evaluate(
    (element, name) =>
      (globalThis as unknown as { getComputedStyle(e: unknown): { getPropertyValue(n: string): string } })
        .getComputedStyle(element)
        .getPropertyValue(name),
    property,
  );

interface Visit {
  page: Page;
  /** Every request the page made, the file itself first. */
  requests: string[];
  /** The requests the browser stopped, and why ('csp': the page's Content-Security-Policy). */
  stopped: string[];
  problems: string[];
}

describe.skipIf(!existsSync(CHROMIUM))('the HTML report in headless Chromium', () => {
  let browser: Browser;
  let cwd: string;
  beforeAll(async () => {
    cwd = tempDir('roleplay-html-');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  }, 30_000);
  afterAll(async () => {
    await browser?.close();
  });

  async function visit(file: string, offline = true): Promise<Visit> {
    // A context of its own, offline unless told: a request that got out would fail, but still be seen here.
    const context = await browser.newContext({ offline });
    const page = await context.newPage();
    const requests: string[] = [];
    const stopped: string[] = [];
    const problems: string[] = [];
    page.on('request', (request) => requests.push(request.url()));
    page.on('requestfailed', (request) => stopped.push(`${request.url()} ${request.failure()?.errorText}`));
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning') problems.push(`${message.type()}: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
    // Whatever a handler or a refresh would do, let it have the time to.
    await page.waitForTimeout(300);
    return { page, requests, stopped, problems };
  }

  /** Exports a session with the CLI and opens the page: it must load with no console message and no request but its own. */
  async function exportAndOpen(args: string[], output: string): Promise<{ page: Page; file: string }> {
    const result = await runCli(['export', ...args, '--output', output], { cwd });
    expect(result.code).toBe(0);
    const file = path.join(cwd, output);
    const { page, requests, stopped, problems } = await visit(file);
    expect(problems).toEqual([]);
    expect(requests).toEqual([pathToFileURL(file).href]);
    expect(stopped).toEqual([]);
    return { page, file };
  }

  it("loads the example's report with no console error and no request beyond the file itself", async () => {
    const { page, file } = await exportAndOpen(['example', '--format', 'html'], 'example.html');

    expect(await page.title()).toMatch(/^roleplay session 20261202-014018-1e743d$/);
    // The timeline links every conversation; each reply is an article with its request folded under it, closed.
    expect(await page.locator('nav a[href^="#conv-"]').count()).toBe(8);
    expect(await page.locator('article.turn').count()).toBe(25);
    expect(await page.locator('article.turn > details:not([open])').count()).toBe(25);
    const request = page.locator('article.turn > details').first();
    expect(await request.locator('.msg').first().isVisible()).toBe(false);
    await request.locator('summary').click();
    expect(await request.locator('.msg').first().isVisible()).toBe(true);
    expect(await request.locator('.msg .role').first().textContent()).toBe('system');
    // Every reply in its role's colour: the CEO (the first role) in the TUI's cyan.
    const ceo = page.locator('article.turn .who', { hasText: /^CEO$/ }).first();
    expect(await computed(ceo, 'color')).toBe('rgb(17, 168, 205)');
    // A timeline link leads to its conversation.
    await page.locator('nav a', { hasText: 'Coding (Design)' }).click();
    expect(new URL(page.url()).hash).toBe('#conv-1-1');
    expect(await page.locator('#conv-1-1 h3').textContent()).toContain('Coding (Design)');
    expect(await page.locator('#artifacts ~ section h3').count()).toBeGreaterThan(0);
    expect(await page.locator('#cost ~ table').count()).toBe(3);
    expect(readFileSync(file, 'utf8')).not.toMatch(/https?:\/\//);
    await page.context().close();
  });

  it('keeps hostile text inert: no script runs, nothing loads, nothing breaks out of its element', async () => {
    const out = path.join(cwd, 'hostile-sessions');
    const dir = writeSession(out, '20250102-030405-aaaaaa', stamp(hostileRun()));
    // No --format: the .html of --output says it.
    const { page } = await exportAndOpen([dir], 'hostile.html');

    expect(await page.title()).toMatch(/^roleplay session /);
    expect(await page.locator('script, img, iframe, svg, link, object, embed, meta[http-equiv="refresh"], #broke-out').count()).toBe(0);
    expect(await page.locator('a[href^="javascript:"]').count()).toBe(0);
    // The page is as it would be without the hostile text: five replies, each with its request, the body shown.
    expect(await page.locator('article.turn').count()).toBe(5);
    expect(await page.locator('article.turn > details').count()).toBe(5);
    expect(await computed(page.locator('body'), 'display')).toBe('block');
    expect(await computed(page.locator('body'), 'background-image')).toBe('none');
    // The text is there, as text, in the reply it came in.
    const reply = await page.locator('article.turn .text').nth(1).textContent();
    expect(reply).toContain('CEO: what shall we plan? <script>document.title="pwned"</script>');
    expect(reply).toContain('</details></article></pre></div><b id="broke-out">broken out</b>');
    expect(HOSTILE.split('\n').length).toBeGreaterThan(5);
    await page.context().close();
  });

  it('has a Content-Security-Policy that would stop a script or a load even if one got into the page', async () => {
    // A server on this machine, online: it counts what reaches it.
    const hits: string[] = [];
    const server = createServer((request, response) => {
      hits.push(request.url ?? '');
      response.end('x');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const file = path.join(cwd, 'example.html');
      if (!existsSync(file)) expect((await runCli(['export', 'example', '--output', 'example.html'], { cwd })).code).toBe(0);
      const tampered = path.join(cwd, 'tampered.html');
      const injected = `<script>document.title='pwned'</script><img src="${base}/x.png"><div style="background:url(${base}/y.png)">x</div>`;
      writeFileSync(tampered, readFileSync(file, 'utf8').replace('<body>', `<body>${injected}`));
      const { page, requests, stopped, problems } = await visit(tampered, false);
      expect(await page.title()).not.toBe('pwned');
      // The image was asked for, and stopped by the policy before it left; the style attribute was not applied.
      expect(requests).toEqual([pathToFileURL(tampered).href, `${base}/x.png`]);
      expect(stopped).toEqual([`${base}/x.png csp`]);
      expect(hits).toEqual([]);
      expect(problems).toHaveLength(3);
      for (const problem of problems) expect(problem).toMatch(/Content Security Policy/);
      await page.context().close();
    } finally {
      server.close();
    }
  });
});
