// The course book in a real browser: Debian's headless Chromium, driven by playwright-core, over
// EVERY page of the built book (target/book/), served from 127.0.0.1 on a port the OS assigns.
//
// Each page must show: no JavaScript console errors (and no uncaught exceptions), every image and
// inline SVG loaded with a non-zero size, every Mermaid block rendered into an <svg>, and every
// internal link pointing at a file that exists (and at an anchor that exists on that page). No
// request may leave 127.0.0.1 (the book has no CDN). The built-in search must find "deadlock"
// and "Semaphore". Two pages are also opened from file:// (the book must work with no server).
// Screenshots of the introduction, the t08 page and the comparison chapter are saved under
// target/book-screens/.
//
// Run: scripts/book.sh browser-test   (or: node book/browser-test/book-test.mjs [BOOK_DIR] [SCREENS_DIR])
// Exit status 0 = every check passed; 1 = failures (listed); 2 = could not run at all.

import { chromium } from 'playwright-core';
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');
const bookDir = path.resolve(process.argv[2] ?? path.join(root, 'target', 'book'));
const screensDir = path.resolve(process.argv[3] ?? path.join(root, 'target', 'book-screens'));
const chromiumPath = process.env.CHROMIUM ?? '/usr/bin/chromium';

// [page, file, element to scroll to (or null for the top)]
const SCREENSHOTS = [
  ['introduction.html', 'introduction.png', null],
  ['examples/t08_deadlock_opposite_order.html', 't08_deadlock_opposite_order.png', null],
  ['examples/t08_deadlock_opposite_order.html', 't08_recorded_output.png', '#recorded-output'],
  ['measuring.html', 'measuring.png', null],
  ['measuring.html', 'measuring_charts.png', 'img[src*="cpu.svg"]'],
  ['examples/t10_semaphore_limit.html', 't10_timeline.png', '#timeline-of-that-run'],
];
const SEARCHES = ['deadlock', 'Semaphore'];

if (!fs.existsSync(path.join(bookDir, 'index.html'))) {
  console.error(`no book at ${bookDir}: build it first (cargo run -- book)`);
  process.exit(2);
}

// ---- a static file server on 127.0.0.1, port chosen by the OS ----
const TYPES = {
  '.html': 'text/html; charset=utf-8', '.css': 'text/css', '.js': 'text/javascript',
  '.json': 'application/json', '.svg': 'image/svg+xml', '.png': 'image/png',
  '.woff2': 'font/woff2', '.woff': 'font/woff', '.ttf': 'font/ttf', '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8', '.md': 'text/plain; charset=utf-8',
};
const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://127.0.0.1');
  let file = path.join(bookDir, decodeURIComponent(url.pathname));
  if (!file.startsWith(bookDir)) { res.writeHead(403).end(); return; }
  if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, 'index.html');
  fs.readFile(file, (err, data) => {
    if (err) { res.writeHead(404).end('not found'); return; }
    res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
    res.end(data);
  });
});
await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
const origin = `http://127.0.0.1:${server.address().port}`;

// ---- every page of the book ----
function walk(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const p = path.join(dir, d.name);
    if (d.isDirectory()) return walk(p);
    return d.name.endsWith('.html') ? [p] : [];
  });
}
const pages = walk(bookDir).map((p) => path.relative(bookDir, p).split(path.sep).join('/')).sort();

const failures = [];
const fail = (page, what) => failures.push(`${page}: ${what}`);

const browser = await chromium.launch({
  executablePath: chromiumPath,
  headless: true,
  // Root in a container: no sandbox; and nothing that phones home.
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-dev-shm-usage'],
}).catch((e) => { console.error(`cannot start ${chromiumPath}: ${e.message}`); process.exit(2); });

const context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
let current = '';
const offsite = [];
await context.route('**/*', (route) => {
  const u = route.request().url();
  if (u.startsWith(origin) || u.startsWith('file:') || u.startsWith('data:') || u.startsWith('blob:')) {
    return route.continue();
  }
  offsite.push(`${current}: ${u}`);
  return route.abort();
});

const page = await context.newPage();
page.on('console', (msg) => { if (msg.type() === 'error') fail(current, `console error: ${msg.text()}`); });
page.on('pageerror', (err) => fail(current, `uncaught exception: ${err.message}`));
page.on('response', (r) => { if (r.status() >= 400) fail(current, `HTTP ${r.status()} for ${r.url()}`); });
page.on('requestfailed', (r) => {
  // ERR_ABORTED: the next navigation cancelled it (a favicon, say); a missing file is a 404 above.
  const why = r.failure()?.errorText ?? '';
  if (r.url().startsWith(origin) && !why.includes('ERR_ABORTED')) fail(current, `request failed: ${r.url()} (${why})`);
});

const idsOf = new Map(); // page -> Set of element ids
const links = []; // [from page, absolute URL]
let mermaidTotal = 0;
let imageTotal = 0;
const started = Date.now();

/** Checks the page that is loaded: Mermaid, images, inline SVGs; collects ids and links. */
async function checkLoaded(rel) {
  // Mermaid renders after load: wait until every block holds an <svg> (or give up after 15 s).
  const blocks = await page.locator('pre.mermaid').count();
  if (blocks > 0) {
    try {
      await page.waitForFunction(
        () => [...document.querySelectorAll('pre.mermaid')].every((b) => b.querySelector('svg')),
        null, { timeout: 15000 });
    } catch {
      const bad = await page.evaluate(() => [...document.querySelectorAll('pre.mermaid')]
        .filter((b) => !b.querySelector('svg')).map((b) => b.textContent.trim().slice(0, 60)));
      fail(rel, `${bad.length} of ${blocks} Mermaid block(s) not rendered: ${JSON.stringify(bad)}`);
    }
    // Mermaid draws a syntax error as an SVG too (a bomb and "Syntax error in text"): not rendered.
    const errors = await page.evaluate(() => [...document.querySelectorAll('pre.mermaid svg')]
      .filter((svg) => svg.getAttribute('aria-roledescription') === 'error' || /Syntax error/i.test(svg.textContent))
      .map((svg) => svg.closest('pre').getAttribute('data-source') ?? svg.id));
    for (const e of errors) fail(rel, `Mermaid block drawn as a syntax error: ${e}`);
    mermaidTotal += blocks;
  }
  const report = await page.evaluate(async () => {
    const imgs = [...document.images];
    await Promise.all(imgs.map((i) => (i.complete ? null : new Promise((ok) => { i.onload = ok; i.onerror = ok; }))));
    const badImages = imgs.filter((i) => !(i.complete && i.naturalWidth > 0 && i.naturalHeight > 0))
      .map((i) => `${i.getAttribute('src')} (${i.naturalWidth}x${i.naturalHeight})`);
    // Inline SVGs in the content (Mermaid's, and any other), not the theme's icons.
    const svgs = [...document.querySelectorAll('main svg')].filter((s) => !s.parentElement.closest('svg'));
    const badSvgs = svgs.filter((s) => { const r = s.getBoundingClientRect(); return !(r.width > 0 && r.height > 0); })
      .map((s) => s.id || s.getAttribute('aria-roledescription') || 'svg');
    return {
      images: imgs.length,
      badImages,
      badSvgs,
      ids: [...document.querySelectorAll('[id]')].map((e) => e.id),
      names: [...document.querySelectorAll('a[name]')].map((e) => e.getAttribute('name')),
      links: [...document.querySelectorAll('a[href]')].map((a) => a.href),
    };
  });
  imageTotal += report.images;
  for (const b of report.badImages) fail(rel, `image not loaded or zero-sized: ${b}`);
  for (const b of report.badSvgs) fail(rel, `inline SVG with zero size: ${b}`);
  idsOf.set(rel, new Set([...report.ids, ...report.names]));
  for (const l of report.links) links.push([rel, l]);
}

for (const rel of pages) {
  current = rel;
  const resp = await page.goto(`${origin}/${rel}`, { waitUntil: 'load' });
  if (!resp || resp.status() !== 200) { fail(rel, `status ${resp?.status()}`); continue; }
  await checkLoaded(rel);
}

// ---- internal links and anchors ----
let internal = 0;
for (const [from, href] of links) {
  if (!href.startsWith(origin)) continue; // external links are not followed (there is no network)
  // 404.html is shown for any missing URL, so its links are absolute from the site root ("/#…").
  if (from === '404.html') continue;
  internal += 1;
  const u = new URL(href);
  let target = decodeURIComponent(u.pathname).replace(/^\//, '');
  if (target === '' || target.endsWith('/')) target += 'index.html';
  const file = path.join(bookDir, target);
  if (!fs.existsSync(file)) { fail(from, `broken link: ${href}`); continue; }
  const frag = decodeURIComponent(u.hash.replace(/^#/, ''));
  if (frag && target.endsWith('.html')) {
    const ids = idsOf.get(target);
    if (ids && !ids.has(frag)) fail(from, `broken anchor: ${href}`);
  }
}

// ---- search ----
current = 'search';
await page.goto(`${origin}/index.html`, { waitUntil: 'load' });
for (const word of SEARCHES) {
  // The search bar opens with "s" (mdBook's shortcut); its input and results have mdBook ids.
  const input = page.locator('#mdbook-searchbar, #searchbar').first();
  if (!(await input.isVisible())) await page.keyboard.press('s');
  // Typed key by key: mdBook searches on keyup (a plain fill() would not trigger it).
  await input.fill('');
  await input.pressSequentially(word, { delay: 30 });
  try {
    await page.waitForFunction(() => {
      const r = document.querySelector('#mdbook-searchresults, #searchresults');
      return r && r.querySelectorAll('li').length > 0;
    }, null, { timeout: 10000 });
    const n = await page.locator('#mdbook-searchresults li, #searchresults li').count();
    console.log(`search "${word}": ${n} results`);
  } catch {
    fail('search', `no results for "${word}"`);
  }
}

// ---- the comparison chapter shows the charts of the committed run ----
current = 'measuring.html';
await page.goto(`${origin}/measuring.html`, { waitUntil: 'load' });
const charts = await page.locator('main img[src*="gen/docs/"]').count();
if (charts < 3) {
  fail('measuring.html', `shows ${charts} chart(s) of the committed comparison run (expected at least 3; ` +
    'are comparison/docs/*.svg and the results section of comparison/README.md there?)');
}

// ---- screenshots ----
fs.mkdirSync(screensDir, { recursive: true });
await page.setViewportSize({ width: 1280, height: 1400 });
for (const [rel, png, anchor] of SCREENSHOTS) {
  current = rel;
  if (!pages.includes(rel)) { fail(rel, 'page missing (no screenshot)'); continue; }
  await page.goto(`${origin}/${rel}`, { waitUntil: 'load' });
  if (anchor) {
    const target = page.locator(anchor).first();
    if (await target.count()) {
      await target.evaluate((el) => el.scrollIntoView({ block: 'start' }));
    } else {
      console.log(`(${rel}: nothing matches ${anchor}; ${png} shows the top of the page)`);
    }
  }
  await page.waitForTimeout(500);
  await page.screenshot({ path: path.join(screensDir, png) });
}

// ---- file:// (no server at all) ----
for (const rel of ['index.html', 'examples/t00_sequential_vs_threads.html', 'threads.html']) {
  current = `file://${rel}`;
  if (!pages.includes(rel)) continue;
  await page.goto(pathToFileURL(path.join(bookDir, rel)).href, { waitUntil: 'load' });
  await checkLoaded(current);
}

await browser.close();
server.close();

for (const o of offsite) fail('network', `request outside 127.0.0.1 (blocked): ${o}`);
const secs = ((Date.now() - started) / 1000).toFixed(1);
console.log(`checked ${pages.length} pages, ${internal} internal links, ${imageTotal} images, ` +
  `${mermaidTotal} Mermaid blocks in ${secs} s; screenshots in ${screensDir}`);
if (failures.length) {
  console.log(`\n${failures.length} FAILURE(S):`);
  for (const f of failures.slice(0, 200)) console.log(`  ${f}`);
  process.exit(1);
}
console.log('book browser test: OK');
