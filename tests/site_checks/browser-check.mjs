// Opens pages of a built register site in Debian's Chromium (driven by
// playwright-core), runs axe-core's WCAG 2.1 A/AA rules on each at a desktop
// and a mobile width, and records console errors (Content-Security-Policy
// violations among them) and failed requests. It also exercises the index's
// filter and column sort, the theme's main JavaScript, and saves full-page
// screenshots.
//
// Usage:
//   node browser-check.mjs --site DIR --screenshots DIR [--shoot PATH]...
//        [--netlify-toml FILE] PATH...
//
// The site is served on 127.0.0.1 by node's http module with the headers
// netlify.toml gives (so the CSP applies as in production); `/x/` maps to
// `x/index.html`. Prints one JSON summary on stdout; progress goes to stderr.
// Exit status: 0 clean, 1 problems found, 2 the check itself could not run.
import { chromium } from 'playwright-core';
import { createServer } from 'node:http';
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
// Each width in the light and the dark colour scheme: the theme follows
// prefers-color-scheme, and both must keep their contrast.
const VIEWPORTS = [
  ['desktop', { width: 1280, height: 900 }, 'light'],
  ['mobile', { width: 375, height: 812 }, 'light'],
  ['desktop-dark', { width: 1280, height: 900 }, 'dark'],
  ['mobile-dark', { width: 375, height: 812 }, 'dark'],
];
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const TIMEOUT_MS = 30_000;

const here = dirname(fileURLToPath(import.meta.url));

function fail(message) {
  process.stderr.write(`browser-check: ${message}\n`);
  process.exit(2);
}

function parseArgs(argv) {
  const opts = { site: null, screenshots: null, shoot: [], netlifyToml: resolve(here, '../../netlify.toml'), paths: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) fail(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--site') opts.site = resolve(value());
    else if (a === '--screenshots') opts.screenshots = resolve(value());
    else if (a === '--shoot') opts.shoot.push(value());
    else if (a === '--netlify-toml') opts.netlifyToml = resolve(value());
    else if (a.startsWith('--')) fail(`unknown option ${a}`);
    else opts.paths.push(a);
  }
  if (!opts.site) fail('--site DIR is required');
  if (!opts.screenshots) fail('--screenshots DIR is required');
  if (opts.paths.length === 0) fail('give at least one page path, e.g. /');
  for (const p of [...opts.paths, ...opts.shoot]) {
    if (!p.startsWith('/')) fail(`page paths are root-relative: ${p}`);
  }
  return opts;
}

// ---------- netlify.toml headers ----------

// The `[[headers]]` blocks of netlify.toml: [{ pattern, values: {name: value} }].
// Only what that file uses: `for = "..."` and `Name = "value"` basic strings.
function netlifyHeaders(file) {
  if (!existsSync(file)) fail(`no ${file}: the server sends netlify.toml's headers`);
  const blocks = [];
  let current = null;
  let inValues = false;
  for (const raw of readFileSync(file, 'utf8').split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    if (line.startsWith('[')) {
      if (line === '[[headers]]') {
        current = { pattern: null, values: {} };
        blocks.push(current);
        inValues = false;
      } else if (line === '[headers.values]' && current) {
        inValues = true;
      } else {
        current = null;
        inValues = false;
      }
      continue;
    }
    const m = /^("?)([A-Za-z0-9-]+)\1\s*=\s*"((?:[^"\\]|\\.)*)"\s*(#.*)?$/.exec(line);
    if (!m || !current) continue;
    const value = m[3].replace(/\\(["\\])/g, '$1');
    if (!inValues && m[2] === 'for') current.pattern = value;
    else if (inValues) current.values[m[2]] = value;
  }
  const all = blocks.filter(b => b.pattern);
  const csp = all.find(b => b.pattern === '/*' && b.values['Content-Security-Policy']);
  if (!csp) fail(`${file} has no Content-Security-Policy for "/*"`);
  return all;
}

function headersFor(blocks, urlPath) {
  const out = {};
  for (const b of blocks) {
    const match = b.pattern.endsWith('*')
      ? urlPath.startsWith(b.pattern.slice(0, -1))
      : urlPath === b.pattern;
    if (match) Object.assign(out, b.values);
  }
  return out;
}

// ---------- static server ----------

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.xml': 'application/xml; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.pdf': 'application/pdf',
  '.woff2': 'font/woff2',
};

function serve(site, headerBlocks) {
  const root = resolve(site);
  const server = createServer((req, res) => {
    let urlPath;
    try {
      urlPath = decodeURIComponent(new URL(req.url, 'http://127.0.0.1').pathname);
    } catch {
      res.writeHead(400).end('bad request');
      return;
    }
    const send = (status, file, extra = {}) => {
      const headers = { ...headersFor(headerBlocks, urlPath), ...extra };
      if (file) {
        const body = readFileSync(file);
        headers['Content-Type'] ??= TYPES[extname(file).toLowerCase()] || 'application/octet-stream';
        headers['Content-Length'] = body.length;
        res.writeHead(status, headers);
        res.end(req.method === 'HEAD' ? undefined : body);
      } else {
        res.writeHead(status, headers);
        res.end();
      }
    };
    let file = resolve(root, '.' + urlPath);
    if (file !== root && !file.startsWith(root + sep)) {
      send(403, null);
      return;
    }
    const isDir = existsSync(file) && statSync(file).isDirectory();
    if (isDir && !urlPath.endsWith('/')) {
      send(301, null, { Location: urlPath + '/' });
      return;
    }
    if (isDir) file = join(file, 'index.html');
    if (existsSync(file) && statSync(file).isFile()) {
      send(200, file);
    } else {
      const notFound = join(root, '404.html');
      send(404, existsSync(notFound) ? notFound : null);
    }
  });
  return new Promise((ok, err) => {
    server.once('error', err);
    server.listen(0, '127.0.0.1', () => ok(server));
  });
}

// ---------- page checks ----------

function slug(path) {
  const s = path.replace(/^\/+|\/+$/g, '').replace(/[^A-Za-z0-9._-]+/g, '-');
  return s === '' ? 'index' : s;
}

// When the page scrolls sideways, the elements sticking out past the right
// edge of the viewport, deepest first, leaving out those clipped by a
// horizontal scroll container (a wide table in one is by design). An
// absolutely positioned element escapes every container up to its
// containing block, so the walk follows offsetParent for those.
async function overflow(page) {
  return page.evaluate(() => {
    const doc = document.documentElement;
    const width = doc.clientWidth;
    const result = { scroll_width: doc.scrollWidth, client_width: width, elements: [] };
    if (doc.scrollWidth <= width) return result;
    const clips = el => ['auto', 'scroll', 'hidden', 'clip'].includes(getComputedStyle(el).overflowX);
    const scrolls = el => {
      let node = el;
      while (node && node !== document.body && node !== doc) {
        const pos = getComputedStyle(node).position;
        const next = pos === 'fixed' ? null : pos === 'absolute' ? node.offsetParent : node.parentElement;
        if (!next || next === document.body || next === doc) return false;
        if (clips(next)) return true;
        node = next;
      }
      return false;
    };
    const describe = el => {
      let s = el.tagName.toLowerCase();
      if (el.id) s += '#' + el.id;
      if (el.classList.length) s += '.' + Array.from(el.classList).join('.');
      return s;
    };
    const wide = Array.from(document.body.querySelectorAll('*')).filter(el => {
      const r = el.getBoundingClientRect();
      return r.width > 0 && r.right > width + 1 && !scrolls(el);
    });
    const deepest = wide.filter(el => !wide.some(o => o !== el && el.contains(o)));
    result.elements = deepest.slice(0, 8).map(el => {
      const r = el.getBoundingClientRect();
      return { element: describe(el), right: Math.round(r.right), text: (el.textContent || '').trim().slice(0, 60) };
    });
    return result;
  });
}

async function runAxe(page, axeSource) {
  // Evaluated through the DevTools protocol, so the page's CSP (no inline
  // scripts) does not block it and is not loosened for the page itself.
  const loaded = await page.evaluate(`${axeSource}\n;typeof window.axe === 'object'`);
  if (!loaded) throw new Error('axe-core did not load into the page');
  const res = await page.evaluate(tags => window.axe.run(document, {
    runOnly: { type: 'tag', values: tags },
    resultTypes: ['violations'],
  }), AXE_TAGS);
  return res.violations.map(v => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    help_url: v.helpUrl,
    nodes: v.nodes.map(n => ({
      target: n.target.join(' '),
      html: n.html.length > 240 ? n.html.slice(0, 240) + '…' : n.html,
      summary: n.failureSummary,
    })),
  }));
}

function watch(page) {
  const log = { console_errors: [], failed_requests: [] };
  page.on('console', m => {
    if (m.type() === 'error') {
      const loc = m.location();
      log.console_errors.push(loc && loc.url ? `${m.text()} (${loc.url}:${loc.lineNumber})` : m.text());
    }
  });
  page.on('pageerror', e => log.console_errors.push(`uncaught: ${e.message}`));
  page.on('requestfailed', r => log.failed_requests.push(`${r.failure()?.errorText || 'failed'} ${r.url()}`));
  page.on('response', r => {
    if (r.status() >= 400) log.failed_requests.push(`HTTP ${r.status()} ${r.url()}`);
  });
  return log;
}

// ---------- the index's JavaScript ----------

// Types into the index's text filter and clears it, then sorts a column by
// mouse and by keyboard. Returns { ok, steps: [...], problems: [...] }.
async function exerciseIndex(page) {
  const steps = [];
  const problems = [];
  const expect = (cond, what) => {
    (cond ? steps : problems).push(what);
    return cond;
  };

  const form = page.locator('form.filters[data-table]');
  if (!expect(await form.count() === 1, 'the index has one filter form (form.filters[data-table])')) {
    return { ok: false, steps, problems };
  }
  await form.waitFor({ state: 'visible', timeout: 5000 }).catch(() => {});
  if (!expect(await form.isVisible(), 'the script shows the filter form')) return { ok: false, steps, problems };
  const tableId = await form.getAttribute('data-table');
  const count = page.locator(`#${tableId}-count`);
  const state = () => page.evaluate(id => {
    const rows = Array.from(document.getElementById(id).tBodies[0].rows);
    const visible = rows.filter(r => !r.hidden && r.getClientRects().length > 0);
    return {
      text: document.getElementById(id + '-count').textContent.trim(),
      total: rows.length,
      visible: visible.length,
      visibleFirstCells: visible.map(r => r.cells[0].textContent.trim()),
    };
  }, tableId);
  const shown = text => {
    const m = /(\d+)\s+of\s+(\d+)/.exec(text);
    return m ? { n: Number(m[1]), m: Number(m[2]) } : null;
  };

  const before = await state();
  const b = shown(before.text);
  expect(b && b.n === before.total && b.m === before.total,
    `before filtering the count reads "${before.text}" for ${before.total} rows`);
  expect(before.total >= 2, `the register table has ${before.total} rows (at least 2 to filter)`);

  // A query that matches some rows but not all: the last row's id.
  const query = before.visibleFirstCells[before.visibleFirstCells.length - 1];
  const input = form.locator('input[name="q"]');
  await input.click();
  await input.pressSequentially(query, { delay: 15 });
  await page.waitForFunction(([id, t]) => document.getElementById(id + '-count').textContent.trim() !== t,
    [tableId, before.text], { timeout: 5000 }).catch(() => {});
  const after = await state();
  const a = shown(after.text);
  expect(a !== null && a.m === before.total && a.n < before.total && a.n >= 1,
    `typing "${query}" changes the count to "${after.text}" (fewer than ${before.total}, at least 1)`);
  expect(a !== null && a.n === after.visible,
    `the count (${a && a.n}) equals the rows left visible (${after.visible}); the others are hidden`);
  expect(after.visibleFirstCells.includes(query), `the row "${query}" stays visible`);
  expect(new URL(page.url()).searchParams.get('q') === query, `the address carries ?q=${query} (${page.url()})`);

  const reset = form.locator('button[type="reset"]');
  if (await reset.count() > 0) {
    await reset.click();
    await page.waitForFunction(([id, t]) => document.getElementById(id + '-count').textContent.trim() === t,
      [tableId, before.text], { timeout: 5000 }).catch(() => {});
    const cleared = await state();
    expect(cleared.text === before.text && cleared.visible === before.total,
      `"${(await reset.textContent()).trim()}" brings back "${cleared.text}" with ${cleared.visible} rows visible`);
  }

  // Sort the first sortable column, ascending by mouse, descending by keyboard.
  const header = page.locator(`#${tableId} thead th[scope="col"]`).first();
  const button = header.locator('button');
  if (!expect(await button.count() === 1, 'the first column header holds a sort button')) {
    return { ok: problems.length === 0, steps, problems };
  }
  const label = (await button.textContent()).trim();
  const column = () => page.evaluate(id => Array.from(document.getElementById(id).tBodies[0].rows)
    .map(r => r.cells[0].getAttribute('data-value') ?? r.cells[0].textContent.trim()), tableId);
  const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });
  const sorted = (values, sign) => values.every((v, i) => i === 0 || sign * collator.compare(values[i - 1], v) <= 0);

  await button.click();
  const asc = await column();
  expect(await header.getAttribute('aria-sort') === 'ascending', `clicking "${label}" sets aria-sort="ascending"`);
  expect(sorted(asc, 1) && asc.length === before.total, `after clicking "${label}" the rows run ascending: ${asc.slice(0, 3).join(', ')}, …`);

  await button.focus();
  await page.keyboard.press('Enter');
  const desc = await column();
  expect(await header.getAttribute('aria-sort') === 'descending', `Enter on "${label}" sets aria-sort="descending"`);
  expect(sorted(desc, -1) && desc.length === before.total, `after Enter on "${label}" the rows run descending: ${desc.slice(0, 3).join(', ')}, …`);

  return { ok: problems.length === 0, steps, problems };
}

// Searches the search page for a word, when the theme's script enhances
// it, and checks in a page of its own that an exact request id, shared as
// /search/?q=<id>, goes straight to the record. Reported, not required:
// the issue asks for the index's script.
async function exerciseSearch(page, query, origin) {
  const form = page.locator('form#search-form, form.search-form').first();
  if (await form.count() === 0 || !(await form.isVisible())) {
    return { enhanced: false, note: 'the search form stays hidden: no script enhances /search/' };
  }
  const input = form.locator('input[type="search"]').first();
  await input.fill('firmware');
  await input.press('Enter');
  const results = page.locator('#search-results li, .search-results li');
  await results.first().waitFor({ timeout: 5000 }).catch(() => {});
  const n = await results.count();
  const other = await page.context().newPage();
  await other.goto(`${origin}/search/?q=${encodeURIComponent(query)}`);
  await other.waitForURL(u => new URL(u).pathname !== '/search/', { timeout: 5000 }).catch(() => {});
  const wentToRecord = new URL(other.url()).pathname === `/requests/${query}/`;
  await other.waitForLoadState('load').catch(() => {});
  await other.close();
  return { enhanced: true, query: 'firmware', results: n, went_to_record: wentToRecord, ok: n >= 1 && wentToRecord };
}

// The four questions of issue 11, asked through the UI as a reader
// would, on the index (filters), a request page at phone width (key facts
// above the fold) and a request whose final decision is withheld.
async function readerQuestions(context, origin) {
  const problems = [];
  const steps = [];
  const expect = (cond, what) => { (cond ? steps : problems).push(what); return cond; };
  const page = await context.newPage();
  await page.goto(`${origin}/`);
  const form = page.locator('form.filters[data-table]');
  await form.waitFor({ state: 'visible', timeout: 5000 }).catch(() => {});
  const visible = () => page.evaluate(() => {
    const heads = Array.from(document.querySelectorAll('#register-table thead th')).map(th => th.textContent.trim());
    const effectAt = heads.indexOf('Takes effect');
    return Array.from(document.querySelectorAll('#register-table tbody tr')).filter(r => !r.hidden).map(r => {
      const time = r.cells[effectAt] && r.cells[effectAt].querySelector('time');
      return {
        id: r.cells[0].textContent.trim(), status: r.getAttribute('data-status'),
        devices: (r.getAttribute('data-devices') || '').split('|'),
        effect: time ? time.getAttribute('datetime') : '',
        statusText: r.querySelector('.col-status').textContent,
      };
    });
  });
  // 1. What changed in the SC for a device type in a year (taking effect)?
  const json = JSON.parse(readFileSync(join(opts.site, 'register.json'), 'utf8'));
  const change = json.requests.find(r => r.devices.length && r.final_decision &&
    r.final_decision.outcome === 'approved' && r.final_decision.implementation_date.startsWith('2025')) ||
    json.requests.find(r => r.devices.length && r.final_decision && r.final_decision.outcome === 'approved');
  const device = change.devices[0];
  const year = change.final_decision.implementation_date.slice(0, 4);
  await form.locator('select[name="device"]').selectOption(device);
  await form.locator('select[name="year"]').selectOption(year);
  await form.locator('select[name="year_of"]').selectOption('effect');
  let rows = await visible();
  expect(rows.some(r => r.id === change.id) && rows.every(r => r.devices.includes(device) && r.effect.startsWith(year)),
    `device ${device}, year ${year} of taking effect: ${rows.map(r => r.id).join(', ')}, among them ${change.id}, each taking effect in ${year}`);
  expect(/[?&]year_of=effect/.test(page.url()) && new URL(page.url()).searchParams.get('device') === device, `the address keeps the filters (${page.url()})`);
  const shared = await context.newPage();
  await shared.goto(page.url());
  await shared.waitForTimeout(300);
  const sharedCount = await shared.locator('#register-table-count').textContent();
  expect(sharedCount.startsWith(`${rows.length} of`), `the shared link shows the same view ("${sharedCount}")`);
  await shared.close();
  await form.locator('button[type="reset"]').click();
  await page.waitForTimeout(100);
  // 2. Which requests are still open, at what stage, since when?
  await form.locator('input[name="group"][value="open"]').check();
  await page.waitForTimeout(100);
  rows = await visible();
  const open = ['submitted', 'triage', 'ncsc-review', 'refinement'];
  expect(rows.length > 0 && rows.every(r => open.includes(r.status) && /since/.test(r.statusText)),
    `Open (all): ${rows.length} rows, each open with its stage and "since" date`);
  await page.close();
  // 3. When does a change take effect, in which SC version: above the fold on a phone.
  const approved = json.requests.find(r => r.final_decision && r.final_decision.outcome === 'approved');
  const withheld = json.requests.find(r => r.status === 'decided');
  const phone = await context.browser().newContext({ viewport: { width: 375, height: 812 } });
  const p3 = await phone.newPage();
  await p3.goto(`${origin}/requests/${approved.id}/`);
  const facts = p3.locator('.key-facts');
  const box = await facts.boundingBox();
  const text = await facts.textContent();
  expect(box && box.y + box.height <= 812 && text.includes(approved.final_decision.sc_version),
    `${approved.id} on a phone: key facts with SC ${approved.final_decision.sc_version} end at ${box && Math.round(box.y + box.height)} px, above the fold`);
  // 4. What did the SSC decide: a withheld final decision is said so.
  if (withheld) {
    await p3.goto(`${origin}/requests/${withheld.id}/`);
    const body = await p3.locator('main').textContent();
    expect(body.includes('Decision not published') && !body.includes('Not yet assigned'),
      `${withheld.id} (decision withheld) reads "Decision not published", never "Not yet assigned"`);
  }
  await phone.close();
  return { ok: problems.length === 0, steps, problems };
}

// ---------- main ----------

const opts = parseArgs(process.argv.slice(2));
if (!existsSync(CHROMIUM)) fail(`no ${CHROMIUM}: install Debian's chromium (run .ci/run's install step)`);
if (!existsSync(join(opts.site, 'index.html'))) fail(`no index.html in ${opts.site}`);
mkdirSync(opts.screenshots, { recursive: true });
const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const axeVersion = JSON.parse(readFileSync(require.resolve('axe-core/package.json'), 'utf8')).version;
const headerBlocks = netlifyHeaders(opts.netlifyToml);
const server = await serve(opts.site, headerBlocks);
const origin = `http://127.0.0.1:${server.address().port}`;
let firstRequestId = null;
try {
  firstRequestId = JSON.parse(readFileSync(join(opts.site, 'register.json'), 'utf8')).requests[0].id;
} catch { /* the search exercise then uses a plain word */ }

const started = Date.now();
const summary = {
  origin,
  chromium: null,
  axe_core: axeVersion,
  tags: AXE_TAGS,
  pages: [],
  index_script: null,
  search_script: null,
  screenshots: [],
  totals: { violations: 0, violation_nodes: 0, console_errors: 0, failed_requests: 0 },
  ok: false,
};

let browser;
try {
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, timeout: 60_000 });
  summary.chromium = browser.version();
  for (const [label, viewport, colorScheme] of VIEWPORTS) {
    const context = await browser.newContext({ viewport, colorScheme, reducedMotion: 'reduce' });
    context.setDefaultTimeout(TIMEOUT_MS);
    for (const path of opts.paths) {
      const page = await context.newPage();
      const log = watch(page);
      process.stderr.write(`browser-check: ${label} ${path}\n`);
      const response = await page.goto(origin + path, { waitUntil: 'load' });
      const status = response ? response.status() : 0;
      const entry = {
        path,
        viewport: label,
        status,
        title: await page.title(),
        violations: await runAxe(page, axeSource),
        overflow: await overflow(page),
        console_errors: log.console_errors,
        failed_requests: log.failed_requests,
      };
      if (opts.shoot.includes(path)) {
        const file = join(opts.screenshots, `${slug(path)}-${label}.png`);
        await page.screenshot({ path: file, fullPage: true });
        summary.screenshots.push(file);
      }
      if (path === '/' && label === 'desktop') {
        summary.index_script = await exerciseIndex(page);
        summary.reader_questions = await readerQuestions(context, origin);
      }
      const entries = [entry];
      if (path === '/search/') {
        const search = await exerciseSearch(page, firstRequestId || 'meter', origin);
        if (label === 'desktop' || search.ok === false) summary.search_script = search;
        if (search.enhanced) {
          // The page as it stands with results listed is checked too.
          entries.push({
            path: `${path}?q=${search.query} (results shown)`,
            viewport: label,
            status,
            title: await page.title(),
            violations: await runAxe(page, axeSource),
            overflow: await overflow(page),
            console_errors: [],
            failed_requests: [],
          });
        }
      }
      // Errors raised while exercising the scripts count too.
      entry.console_errors = log.console_errors;
      entry.failed_requests = log.failed_requests;
      for (const e of entries) {
        summary.pages.push(e);
        summary.totals.violations += e.violations.length;
        summary.totals.violation_nodes += e.violations.reduce((n, v) => n + v.nodes.length, 0);
        summary.totals.console_errors += e.console_errors.length;
        summary.totals.failed_requests += e.failed_requests.length;
      }
      await page.close();
    }
    await context.close();
  }
} catch (e) {
  process.stderr.write(`browser-check: ${e.stack || e}\n`);
  if (browser) await browser.close().catch(() => {});
  server.close();
  process.exit(2);
}
await browser.close();
server.close();

const missingShots = opts.shoot.filter(p => !opts.paths.includes(p));
if (missingShots.length) summary.screenshot_problems = [`--shoot paths not among the pages: ${missingShots.join(' ')}`];
summary.seconds = Math.round((Date.now() - started) / 100) / 10;
summary.ok = summary.totals.violations === 0 && summary.totals.console_errors === 0 &&
  summary.totals.failed_requests === 0 && summary.pages.every(p => p.status === 200) &&
  (!opts.paths.includes('/') || (summary.index_script && summary.index_script.ok)) &&
  (!opts.paths.includes('/') || (summary.reader_questions && summary.reader_questions.ok)) &&
  !summary.screenshot_problems && (summary.search_script === null || summary.search_script.ok !== false);
process.stdout.write(JSON.stringify(summary, null, 2) + '\n');
process.exit(summary.ok ? 0 : 1);
