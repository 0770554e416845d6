"""Checks a built register site with standard parsers.

Usage: python site_check.py SITE_DIR [--base-url URL]

- feed.xml parses in feedparser with no bozo error, is Atom, and every entry
  has an id (unique), a title, a link and a date; entry links resolve;
- sitemap.xml is well-formed, in the sitemaps.org namespace, and its <loc>
  set is exactly the site's HTML pages except 404.html;
- every internal href/src/srcset/action in every HTML page resolves to a
  file, and every #fragment names an id (or <a name>) in its target;
- register.json parses and has an integer schema_version and a requests
  list whose urls resolve; every other .json parses;
- register.csv is rectangular, with a header row and one row per request.

The base URL (which absolute URLs count as internal) defaults to
register.json's base_url. Prints each problem on its own line, then
`site-check: N problems (...)`. Exit status 0 when there are none, 1
otherwise, 2 when the check cannot run.
"""

from __future__ import annotations

import argparse
import csv
import html.parser
import io
import json
import pathlib
import sys
import urllib.parse
import xml.etree.ElementTree as ET

SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
# Attributes that carry a URL the browser fetches or follows.
URL_ATTRS = {
    ("a", "href"),
    ("area", "href"),
    ("link", "href"),
    ("img", "src"),
    ("script", "src"),
    ("iframe", "src"),
    ("source", "src"),
    ("audio", "src"),
    ("video", "src"),
    ("video", "poster"),
    ("track", "src"),
    ("embed", "src"),
    ("object", "data"),
    ("form", "action"),
    ("input", "src"),
    ("blockquote", "cite"),
    ("q", "cite"),
}


class Page(html.parser.HTMLParser):
    """The URLs a page points at and the fragment targets it offers."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.urls: list[tuple[str, str, str]] = []  # (tag, attribute, url)
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is None:
                continue
            if name == "id" or (tag == "a" and name == "name"):
                self.ids.add(value)
            if (tag, name) in URL_ATTRS:
                self.urls.append((tag, name, value.strip()))
            elif name in ("srcset", "imagesrcset"):
                for candidate in value.split(","):
                    url = candidate.strip().split(" ")[0]
                    if url:
                        self.urls.append((tag, name, url))

    handle_startendtag = handle_starttag


class Site:
    def __init__(self, root: pathlib.Path, base_url: str) -> None:
        self.root = root
        parsed = urllib.parse.urlsplit(base_url)
        self.origin = f"{parsed.scheme}://{parsed.netloc}"
        self.base_path = parsed.path.rstrip("/")  # a site under a sub-path
        self.base_url = base_url.rstrip("/")
        self.problems: list[str] = []
        self.pages: dict[pathlib.Path, Page] = {}
        for f in sorted(root.rglob("*.html")):
            page = Page()
            page.feed(f.read_text(encoding="utf-8"))
            page.close()
            self.pages[f] = page

    def problem(self, text: str) -> None:
        self.problems.append(text)

    def rel(self, f: pathlib.Path) -> str:
        return f.relative_to(self.root).as_posix()

    def resolve(self, page_url: str, url: str) -> tuple[pathlib.Path, str] | None:
        """The file (and fragment) an internal URL names, or None when external.

        page_url is the root-relative URL of the page the link is on.
        """
        parts = urllib.parse.urlsplit(url)
        if parts.scheme and parts.scheme not in ("http", "https"):
            return None  # mailto:, tel:, data:, ...
        if parts.scheme or parts.netloc:
            absolute = urllib.parse.urlunsplit((parts.scheme or "https", parts.netloc, parts.path, "", ""))
            if not (absolute + "/").startswith(self.base_url + "/") and absolute != self.base_url:
                return None
            path = parts.path[len(self.base_path):] or "/"
        else:
            path = urllib.parse.urljoin(page_url, parts.path) if parts.path else page_url
            if self.base_path and path.startswith(self.base_path + "/"):
                path = path[len(self.base_path):]
        path = urllib.parse.unquote(path)
        target = (self.root / path.lstrip("/")).resolve()
        if target != self.root.resolve() and self.root.resolve() not in target.parents:
            return target, parts.fragment  # outside the site: reported as missing
        if path.endswith("/") or target.is_dir():
            target = target / "index.html"
        return target, parts.fragment

    def page_url(self, f: pathlib.Path) -> str:
        rel = self.rel(f)
        if rel == "index.html":
            return "/"
        if rel.endswith("/index.html"):
            return "/" + rel[: -len("index.html")]
        return "/" + rel


def check_links(site: Site) -> int:
    count = 0
    for f, page in site.pages.items():
        here = site.page_url(f)
        for tag, attr, url in page.urls:
            if url == "" or url == "#":
                site.problem(f"link: {site.rel(f)}: <{tag} {attr}=\"{url}\"> goes nowhere")
                continue
            hit = site.resolve(here, url)
            if hit is None:
                continue
            count += 1
            target, fragment = hit
            if not target.is_file():
                site.problem(f"link: {site.rel(f)}: <{tag} {attr}=\"{url}\"> has no file ({target})")
            elif fragment and target.suffix == ".html":
                ids = site.pages[target].ids if target in site.pages else set()
                if urllib.parse.unquote(fragment) not in ids:
                    site.problem(
                        f"link: {site.rel(f)}: <{tag} {attr}=\"{url}\">: no id \"{fragment}\" in {site.rel(target)}"
                    )
    return count


def check_feed(site: Site) -> int:
    import feedparser  # from tests/site_checks/.venv, pinned in requirements.txt

    f = site.root / "feed.xml"
    if not f.is_file():
        site.problem("feed: no feed.xml")
        return 0
    d = feedparser.parse(f.read_bytes())
    if d.bozo:
        site.problem(f"feed: feedparser reports a malformed feed: {d.get('bozo_exception')!r}")
    if d.version != "atom10":
        site.problem(f"feed: feedparser reads it as {d.version!r}, not Atom 1.0")
    for key in ("title", "id", "updated"):
        if not d.feed.get(key):
            site.problem(f"feed: the feed has no {key}")
    self_links = [link.href for link in d.feed.get("links", []) if link.get("rel") == "self"]
    if self_links != [f"{site.base_url}/feed.xml"]:
        site.problem(f"feed: rel=self links are {self_links}, expected {site.base_url}/feed.xml")
    if not d.entries:
        site.problem("feed: no entries")
    seen: set[str] = set()
    for i, e in enumerate(d.entries):
        name = e.get("id") or f"entry {i + 1}"
        for key in ("id", "title", "link", "updated"):
            if not e.get(key):
                site.problem(f"feed: {name}: no {key}")
        if e.get("id"):
            if e.id in seen:
                site.problem(f"feed: duplicate entry id {e.id}")
            seen.add(e.id)
        if e.get("link"):
            hit = site.resolve("/", e.link)
            if hit is None:
                site.problem(f"feed: {name}: link {e.link} is not under {site.base_url}")
            elif not hit[0].is_file():
                site.problem(f"feed: {name}: link {e.link} has no page")
    return len(d.entries)


def check_sitemap(site: Site) -> int:
    f = site.root / "sitemap.xml"
    if not f.is_file():
        site.problem("sitemap: no sitemap.xml")
        return 0
    try:
        root = ET.parse(f).getroot()
    except ET.ParseError as e:
        site.problem(f"sitemap: not well-formed XML: {e}")
        return 0
    if root.tag != f"{SITEMAP_NS}urlset":
        site.problem(f"sitemap: root element is {root.tag}, not a sitemaps.org urlset")
    locs = [(loc.text or "").strip() for loc in root.iter(f"{SITEMAP_NS}loc")]
    listed: dict[pathlib.Path, str] = {}
    for loc in locs:
        if not loc.startswith(site.base_url + "/"):
            site.problem(f"sitemap: <loc>{loc}</loc> is not under {site.base_url}")
            continue
        hit = site.resolve("/", loc)
        if hit is None or not hit[0].is_file():
            site.problem(f"sitemap: <loc>{loc}</loc> has no file")
            continue
        if hit[0] in listed:
            site.problem(f"sitemap: {site.rel(hit[0])} is listed twice ({listed[hit[0]]} and {loc})")
        elif hit[0].suffix != ".html":
            site.problem(f"sitemap: <loc>{loc}</loc> is not an HTML page")
        listed[hit[0]] = loc
    pages = {p for p in site.pages if site.rel(p) != "404.html"}
    for p in sorted(pages - listed.keys()):
        site.problem(f"sitemap: the page {site.rel(p)} is not listed")
    for p in sorted(listed.keys() - pages):
        if p.suffix == ".html":
            site.problem(f"sitemap: {listed[p]} is listed but is not a public page ({site.rel(p)})")
    return len(locs)


def check_data(site: Site) -> tuple[int, int]:
    requests = 0
    for f in sorted(site.root.rglob("*.json")):
        try:
            doc = json.loads(f.read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError) as e:
            site.problem(f"json: {site.rel(f)} does not parse: {e}")
            continue
        if site.rel(f) == "register.json":
            if not isinstance(doc, dict):
                site.problem("json: register.json is not an object")
                continue
            if not isinstance(doc.get("schema_version"), int) or isinstance(doc.get("schema_version"), bool):
                site.problem(f"json: register.json schema_version is {doc.get('schema_version')!r}, not an integer")
            reqs = doc.get("requests")
            if not isinstance(reqs, list):
                site.problem("json: register.json has no requests list")
                continue
            requests = len(reqs)
            for r in reqs:
                url = r.get("url") if isinstance(r, dict) else None
                hit = site.resolve("/", url) if isinstance(url, str) and url else None
                if hit is None or not hit[0].is_file():
                    site.problem(f"json: register.json request {r.get('id') if isinstance(r, dict) else r!r}: url {url!r} has no page")
    if not (site.root / "register.json").is_file():
        site.problem("json: no register.json")

    rows_out = 0
    f = site.root / "register.csv"
    if not f.is_file():
        site.problem("csv: no register.csv")
        return requests, 0
    try:
        rows = list(csv.reader(io.StringIO(f.read_text(encoding="utf-8"), newline="")))
    except (csv.Error, UnicodeDecodeError) as e:
        site.problem(f"csv: register.csv does not parse: {e}")
        return requests, 0
    if not rows:
        site.problem("csv: register.csv is empty")
        return requests, 0
    width = len(rows[0])
    for n, row in enumerate(rows[1:], start=2):
        if len(row) != width:
            site.problem(f"csv: register.csv row {n} has {len(row)} cells, the header {width}")
    rows_out = len(rows) - 1
    if "id" not in rows[0]:
        site.problem(f"csv: register.csv header has no id column: {rows[0]}")
    if rows_out != requests:
        site.problem(f"csv: register.csv has {rows_out} rows, register.json {requests} requests")
    return requests, rows_out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("site", type=pathlib.Path)
    ap.add_argument("--base-url", help="the site's base URL (default: register.json's base_url)")
    args = ap.parse_args()
    root = args.site.resolve()
    if not (root / "index.html").is_file():
        print(f"site-check: no index.html in {root}", file=sys.stderr)
        return 2
    base_url = args.base_url
    if not base_url:
        try:
            base_url = json.loads((root / "register.json").read_text(encoding="utf-8"))["base_url"]
        except (OSError, ValueError, KeyError, TypeError) as e:
            print(f"site-check: give --base-url (register.json has no base_url: {e})", file=sys.stderr)
            return 2
    try:
        import feedparser  # noqa: F401
    except ImportError:
        print("site-check: feedparser is missing: run .ci/run's install step", file=sys.stderr)
        return 2

    site = Site(root, base_url)
    links = check_links(site)
    entries = check_feed(site)
    locs = check_sitemap(site)
    requests, rows = check_data(site)
    for p in site.problems:
        print(p)
    print(
        f"site-check: {len(site.problems)} problems ({len(site.pages)} pages, {links} internal links, "
        f"{entries} feed entries, {locs} sitemap URLs, {requests} requests, {rows} CSV rows; base {site.base_url})"
    )
    return 1 if site.problems else 0


if __name__ == "__main__":
    sys.exit(main())
