//! Publication safety, property-based (issue 3, part 1; extended with the
//! publication rules of issue 9).
//!
//! Random *valid* content folders are generated: requests of every
//! classification, written in any case with or without the `TLP:` prefix;
//! drafts; folder records with attachments of every colour (text files and
//! binary ones, PNG- and PDF-like, with and without an extension) and hidden
//! files; marked passages of every colour, lower-case labels, in lists,
//! nested and next to each other; interim and final decisions of every
//! colour on public and withheld requests; `related` ids; links to requests,
//! reports and attachments written every way section 5 lists (`@ID`,
//! `@ID/report`, root-relative, relative, absolute on `base_url` with case
//! changes, `%`-escapes, `./` and detours, in Markdown, reference-style and
//! raw HTML, with titles, queries and fragments); raw HTML the sanitiser
//! drops (`<template>`, `<style>`, `<script>`, `<svg><desc>`, comments);
//! `[extra]` tables nested every way TOML allows, on requests and decisions.
//!
//! Every place that must not be published carries a unique *withheld
//! canary* (`WCAN…`): withheld titles, bodies, organisations, notes,
//! reasons, `[extra]` keys and values, passages, decision bodies, SC
//! versions and dates of withheld decisions, attachment names, titles and
//! contents, the personal data (name, phone, e-mail) of every request,
//! public ones included, the ids of withheld requests themselves
//! (`WH-<n>-<random>`), the fragments and titles of links whose target is
//! not published, and the text inside HTML the sanitiser drops. Every place
//! that must be published carries a *public canary* (`PCAN…`); a public
//! canary in a field the default theme does not print (`[extra]`) is
//! *quiet*: nothing is asserted of it.
//!
//! Each folder is built in process (`build::render_site`, all files in
//! memory) and, for about one case in eight, with the real binary into a
//! temporary folder too (whose files must then be the same bytes). Every
//! byte of every output file and every output path is searched, raw and with
//! character references decoded, case-insensitively, for every withheld
//! canary; every public canary must be found somewhere, so the filter cannot
//! pass by publishing nothing. Public attachments must be published byte
//! for byte; no report page may be linked or named for a request without a
//! public final decision. Statuses, decisions and `related` in
//! `register.json` are checked against what the generator knows is public.
//!
//! A second kind of case, the *hazard* (`publication_properties/hazards.rs`),
//! adds to a site that builds one thing the rules make an error (personal
//! data, contacts, a withheld id, a marker, an unlisted file, a reserved
//! key) or one they allow (a public contact point, a hazard in withheld
//! text), and checks that a rebuild over the first output fails and leaves
//! it byte for byte, and that `register check --format json` locates it.
//!
//! The default is 96 generated sites and 64 hazard cases (about 45 s in a
//! debug build on two cores). Set the standard `PROPTEST_CASES` for a longer
//! local run, e.g.
//!
//! ```text
//! PROPTEST_CASES=5000 cargo test --release --test publication_properties -- --nocapture
//! ```
//!
//! Each test prints how many cases and canaries it checked, and how many
//! cases held each kind of canary or hazard (shown with `--nocapture`).

mod support;

#[path = "publication_properties/hazards.rs"]
mod hazards;

use hazards::{Carrier, Injection, Place};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use register::model::date::Date;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use support::{Files, Haystack, build_bin, build_in_process, leaks, tree, write};

/// The build date of every generated site.
const TODAY: &str = "2026-06-15";

/// The host of every generated site's `base_url`.
const HOST: &str = "register.example.org";

/// What every generated `site.toml` lists under `public_contacts`.
const PUBLIC_CONTACTS: [&str; 2] = ["ssc@example.org", "+44 20 7946 0000"];

const COLOURS: [&str; 6] = ["CLEAR", "WHITE", "GREEN", "AMBER", "AMBER+STRICT", "RED"];

/// `PROPTEST_CASES`, else `default`.
fn cases(default: u32) -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(default)
}

fn config(default_cases: u32) -> Config {
    Config {
        cases: cases(default_cases),
        // Failures print the shrunk input; keep no files in tests/.
        failure_persistence: None,
        ..Config::default()
    }
}

fn today() -> Date {
    Date::parse(TODAY).expect("valid date")
}

// ---------------------------------------------------------------------------
// The plan of a site: what proptest generates and shrinks.

/// A TLP label as a keeper might write it.
#[derive(Debug, Clone)]
struct Label {
    colour: usize,
    case: u8,
    prefix: bool,
    space: bool,
}

impl Label {
    fn public(&self) -> bool {
        self.colour < 2
    }

    /// The label; passage markers always carry the `TLP:` prefix.
    fn text(&self, marker: bool) -> String {
        let mut s = String::new();
        if self.prefix || marker {
            s.push_str("TLP:");
            if self.space {
                s.push(' ');
            }
        }
        s.push_str(COLOURS[self.colour]);
        apply_case(&s, self.case)
    }
}

fn apply_case(s: &str, case: u8) -> String {
    match case % 4 {
        0 => s.to_string(),
        1 => s.to_ascii_lowercase(),
        2 => {
            // Title case: `Tlp:Amber+Strict`.
            let mut out = String::new();
            let mut start = true;
            for c in s.chars() {
                out.push(if start {
                    c.to_ascii_uppercase()
                } else {
                    c.to_ascii_lowercase()
                });
                start = !c.is_ascii_alphabetic();
            }
            out
        }
        _ => s
            .chars()
            .enumerate()
            .map(|(i, c)| {
                if i % 2 == 0 {
                    c.to_ascii_lowercase()
                } else {
                    c.to_ascii_uppercase()
                }
            })
            .collect(),
    }
}

fn label() -> impl Strategy<Value = Label> {
    (
        prop_oneof![1 => 0..2usize, 1 => 2..6usize],
        0..4u8,
        any::<bool>(),
        prop::bool::weighted(0.15),
    )
        .prop_map(|(colour, case, prefix, space)| Label {
            colour,
            case,
            prefix,
            space,
        })
}

/// A piece of a body that carries one canary.
#[derive(Debug, Clone)]
enum Leaf {
    Para,
    Heading,
    Link {
        target: usize,
        report: bool,
    },
    RefLink {
        target: usize,
        report: bool,
    },
    /// A link to a page or file of the site, written one of the ways
    /// section 5 lists.
    Way(WayLink),
    /// Raw HTML whose text the sanitiser drops (see [`Writer::dropped`]).
    Dropped {
        kind: u8,
        block: bool,
    },
}

/// How a [`Leaf::Way`] link is written.
#[derive(Debug, Clone)]
struct WayLink {
    /// Which request (modulo their number); for an attachment, which of
    /// its attachments too.
    target: usize,
    /// 0: its page; 1: its report; 2: one of its attachments.
    to: u8,
    /// 0: inline Markdown; 1: reference-style; 2: raw HTML `<a href>`.
    syntax: u8,
    /// 0: `@ID`; 1: root-relative; 2: relative; 3: absolute on `base_url`.
    style: u8,
    /// Bits: 1 case changed, 2 a `%`-escape in the id, 4 a `./` segment,
    /// 8 a detour (`x/../`, or `www.` and `:443` on an absolute URL).
    mangle: u8,
    /// A link title.
    title: bool,
    /// A fragment (and, for odd `mangle`, a query).
    fragment: bool,
}

fn way_link() -> impl Strategy<Value = WayLink> {
    (
        0..64usize,
        0..3u8,
        0..3u8,
        0..4u8,
        0..16u8,
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(
            |(target, to, syntax, style, mangle, title, fragment)| WayLink {
                target,
                to,
                syntax,
                style,
                mangle,
                title,
                fragment,
            },
        )
}

fn leaf() -> impl Strategy<Value = Leaf> {
    prop_oneof![
        3 => Just(Leaf::Para),
        1 => Just(Leaf::Heading),
        2 => (0..64usize, any::<bool>()).prop_map(|(target, report)| Leaf::Link { target, report }),
        1 => (0..64usize, any::<bool>()).prop_map(|(target, report)| Leaf::RefLink { target, report }),
        4 => way_link().prop_map(Leaf::Way),
        2 => (0..8u8, any::<bool>()).prop_map(|(kind, block)| Leaf::Dropped { kind, block }),
    ]
}

/// A list item, perhaps with a passage: (style, label) where style 0 puts
/// the passage inside the item (indented), 1 between items at column 0,
/// 2 as list items of its own (`- <!-- TLP:RED -->`).
type Item = Option<(u8, Label)>;

#[derive(Debug, Clone)]
enum Block {
    Leaf(Leaf),
    Passage {
        label: Label,
        style: u8,
        close: u8,
        content: Vec<Leaf>,
        nested: Option<(Label, Vec<Leaf>)>,
    },
    List {
        ordered: bool,
        items: Vec<Item>,
    },
    Adjacent(Label, Label),
}

fn block() -> impl Strategy<Value = Block> {
    prop_oneof![
        3 => leaf().prop_map(Block::Leaf),
        4 => (
            label(),
            0..3u8,
            0..4u8,
            prop::collection::vec(leaf(), 1..3),
            prop::option::weighted(0.3, (label(), prop::collection::vec(leaf(), 1..2))),
        )
            .prop_map(|(label, style, close, content, nested)| Block::Passage {
                label,
                style,
                close,
                content,
                nested,
            }),
        2 => (
            any::<bool>(),
            prop::collection::vec(prop::option::weighted(0.5, (0..3u8, label())), 1..4),
        )
            .prop_map(|(ordered, items)| Block::List { ordered, items }),
        1 => (label(), label()).prop_map(|(a, b)| Block::Adjacent(a, b)),
    ]
}

fn body() -> impl Strategy<Value = Vec<Block>> {
    prop::collection::vec(block(), 0..5)
}

/// A value under `[extra]`: a string, or inline tables and arrays of
/// values, nested.
#[derive(Debug, Clone)]
enum ExtraValue {
    Str,
    Inline(Vec<ExtraValue>),
    Array(Vec<ExtraValue>),
}

fn extra_value() -> impl Strategy<Value = ExtraValue> {
    Just(ExtraValue::Str).prop_recursive(3, 10, 3, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 1..3).prop_map(ExtraValue::Inline),
            prop::collection::vec(inner, 1..3).prop_map(ExtraValue::Array),
        ]
    })
}

/// An `[extra]` table: its own values, sub-tables (`[extra.K]`, perhaps
/// with a table of their own, `[extra.K.L]`) and arrays of tables
/// (`[[extra.K]]`). Every key and every string is a canary.
#[derive(Debug, Clone)]
struct Extra {
    values: Vec<ExtraValue>,
    tables: Vec<(Vec<ExtraValue>, Option<Vec<ExtraValue>>)>,
    arrays: Vec<Vec<Vec<ExtraValue>>>,
}

fn extra() -> impl Strategy<Value = Extra> {
    let values = || prop::collection::vec(extra_value(), 1..3);
    (
        prop::collection::vec(extra_value(), 0..3),
        prop::collection::vec((values(), prop::option::of(values())), 0..2),
        prop::collection::vec(prop::collection::vec(values(), 1..3), 0..2),
    )
        .prop_map(|(values, tables, arrays)| Extra {
            values,
            tables,
            arrays,
        })
}

/// A listed attachment: its own label and its kind of file.
#[derive(Debug, Clone)]
struct AttachmentPlan {
    label: Label,
    /// An index into [`ATTACHMENT_KINDS`] (modulo its length).
    kind: u8,
}

/// The kinds of attachment: the file name's ending, and whether the file
/// is text (else binary bytes around printable runs).
const ATTACHMENT_KINDS: [(&str, bool); 6] = [
    (".txt", true),
    (".csv", true),
    (".png", false),
    (".pdf", false),
    // No extension: read as text or binary by its bytes.
    ("", false),
    // An extension the generator does not know: sniffed as text.
    (".dat", true),
];

fn attachment() -> impl Strategy<Value = AttachmentPlan> {
    (label(), 0..6u8).prop_map(|(label, kind)| AttachmentPlan { label, kind })
}

#[derive(Debug, Clone)]
struct DecisionPlan {
    label: Label,
    /// Interim: 0..3 progressed, returned, deferred; final: approved,
    /// rejected, withdrawn.
    outcome: u8,
    /// Approved finals: the public SC version `1.<version>` (even: already
    /// implemented on the build date, odd: scheduled).
    version: u8,
    panel_notified: bool,
    extra: Option<Extra>,
    body: Vec<Block>,
}

fn decision() -> impl Strategy<Value = DecisionPlan> {
    (
        label(),
        0..3u8,
        0..6u8,
        any::<bool>(),
        prop::option::weighted(0.4, extra()),
        body(),
    )
        .prop_map(
            |(label, outcome, version, panel_notified, extra, body)| DecisionPlan {
                label,
                outcome,
                version,
                panel_notified,
                extra,
                body,
            },
        )
}

#[derive(Debug, Clone)]
struct RequestPlan {
    label: Label,
    draft: bool,
    refurbishment: bool,
    /// Index of the latest stage: 0 submitted ... 4 decided.
    last_stage: u8,
    repeat_triage: bool,
    sponsor: bool,
    personal: [bool; 5],
    urgent: bool,
    notes: bool,
    /// Folder record with these attachments (and a hidden file).
    folder: Option<Vec<AttachmentPlan>>,
    submitted: u16,
    related: Vec<usize>,
    interims: Vec<DecisionPlan>,
    final_decision: DecisionPlan,
    body: Vec<Block>,
    extra: Option<Extra>,
}

fn request() -> impl Strategy<Value = RequestPlan> {
    (
        (
            label(),
            prop::bool::weighted(0.15),
            any::<bool>(),
            0..5u8,
            any::<bool>(),
            any::<bool>(),
            prop::array::uniform5(any::<bool>()),
            any::<bool>(),
            any::<bool>(),
        ),
        (
            prop::option::weighted(0.35, prop::collection::vec(attachment(), 0..4)),
            0..1500u16,
            prop::collection::vec(0..64usize, 0..3),
            prop::collection::vec(decision(), 0..3),
            decision(),
            body(),
            prop::option::weighted(0.5, extra()),
        ),
    )
        .prop_map(
            |(
                (
                    label,
                    draft,
                    refurbishment,
                    last_stage,
                    repeat_triage,
                    sponsor,
                    personal,
                    urgent,
                    notes,
                ),
                (folder, submitted, related, interims, final_decision, body, extra),
            )| RequestPlan {
                label,
                draft,
                refurbishment,
                last_stage,
                repeat_triage,
                sponsor,
                personal,
                urgent,
                notes,
                folder,
                submitted,
                related,
                interims,
                final_decision,
                body,
                extra,
            },
        )
}

/// A request has a sponsor when the plan says so, and always once past
/// `submitted` (the format requires one).
fn has_sponsor(r: &RequestPlan) -> bool {
    r.sponsor || r.last_stage > 0
}

#[derive(Debug, Clone)]
struct SitePlan {
    seed: u64,
    via_binary: bool,
    requests: Vec<RequestPlan>,
}

/// A site of `requests` requests.
fn site_of(requests: std::ops::Range<usize>) -> impl Strategy<Value = SitePlan> {
    (
        any::<u64>(),
        prop::bool::weighted(0.125),
        prop::collection::vec(request(), requests),
    )
        .prop_map(|(seed, via_binary, requests)| SitePlan {
            seed,
            via_binary,
            requests,
        })
}

fn site() -> impl Strategy<Value = SitePlan> {
    site_of(1..7)
}

// ---------------------------------------------------------------------------
// Writing a plan out as content, noting every canary.

/// Canaries and ids handed out while writing one site.
#[derive(Default)]
struct Canaries {
    state: u64,
    n: u32,
    withheld: Vec<String>,
    public: Vec<String>,
    /// Public, but in a field the default theme does not print (`[extra]`):
    /// nothing is asserted of them, since a theme may print them or not.
    quiet: Vec<String>,
    /// Withheld, in text that passage stripping keeps and only rendering
    /// drops (destinations and titles of dropped links, sanitised HTML):
    /// the property on `passages::strip` alone leaves them out.
    rendered_away: BTreeSet<String>,
    /// How many canaries (or hazards) of each kind this site holds, for
    /// the tally.
    kinds: BTreeMap<String, usize>,
}

impl Canaries {
    fn new(seed: u64) -> Canaries {
        Canaries {
            state: seed,
            ..Canaries::default()
        }
    }

    /// Six random upper-case letters (splitmix64), never `TLP`, which
    /// would make a comment holding them read as a passage marker.
    fn letters(&mut self) -> String {
        loop {
            self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = self.state;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^= z >> 31;
            let s: String = (0..6)
                .map(|i| char::from(b'A' + ((z >> (i * 8)) % 26) as u8))
                .collect();
            if !s.contains("TLP") {
                return s;
            }
        }
    }

    /// A unique canary, not yet noted anywhere.
    fn make(&mut self, public: bool) -> String {
        self.n += 1;
        let (n, letters) = (self.n, self.letters());
        format!("{}{n:04}{letters}", if public { "PCAN" } else { "WCAN" })
    }

    /// A unique canary, noted as public or withheld.
    fn next(&mut self, public: bool) -> String {
        let c = self.make(public);
        self.note(public, c.clone());
        c
    }

    /// A canary for a field the default theme does not print: quiet when
    /// public, withheld otherwise.
    fn quiet(&mut self, public: bool) -> String {
        if !public {
            return self.next(false);
        }
        let c = self.make(true);
        self.quiet.push(c.clone());
        c
    }

    /// A canary that only rendering removes when it is withheld.
    fn rendered_away(&mut self, public: bool) -> String {
        let c = self.next(public);
        if !public {
            self.rendered_away.insert(c.clone());
        }
        c
    }

    fn note(&mut self, public: bool, c: String) {
        if public {
            self.public.push(c);
        } else {
            self.withheld.push(c);
        }
    }

    /// Counts one more canary (or hazard) of `kind`.
    fn kind(&mut self, kind: impl Into<String>) {
        *self.kinds.entry(kind.into()).or_default() += 1;
    }
}

/// A value a request declares as personal data.
#[derive(Debug, Clone)]
struct Personal {
    /// `proposer` or `sponsor`.
    table: &'static str,
    /// `name`, `phone` or `email`.
    key: &'static str,
    value: String,
}

/// A listed attachment as the writer knows it.
#[derive(Debug, Clone)]
struct KnownAttachment {
    name: String,
    /// It and its request are public.
    public: bool,
    /// An index into [`ATTACHMENT_KINDS`].
    kind: usize,
    /// Its own label.
    label: Label,
}

/// What the writer knows about each request, to check the output against.
#[derive(Debug, Clone)]
struct Known {
    id: String,
    public: bool,
    has_final: bool,
    status: String,
    public_decisions: usize,
    public_final: bool,
    related: Vec<String>,
    attachments: Vec<KnownAttachment>,
    personal: Vec<Personal>,
}

/// A generated site as its writer knows it.
struct Written {
    known: Vec<Known>,
    canaries: Canaries,
    /// Attachments that must be published: (path in the output, bytes).
    copies: Vec<(String, Vec<u8>)>,
    /// Where the hazard was written, when there is one.
    hazard: Option<Place>,
}

fn date(offset_days: i64) -> Date {
    // 2020-01-01 is day 18262 of the Unix epoch.
    Date::from_unix_days(18_262 + offset_days)
}

/// Days from 2020-01-01 to the given date.
fn date_offset(year: i32, month: u8, day: u8) -> i64 {
    let target = Date::new(year, month, day).expect("valid date");
    let mut offset = 0;
    while date(offset) < target {
        offset += 1;
    }
    offset
}

fn toml_str(s: &str) -> String {
    format!("\"{s}\"")
}

/// The number of the line that text appended to `t` starts on (`t` ends
/// with a line break).
fn next_line(t: &str) -> usize {
    t.matches('\n').count() + 1
}

/// Where a [`WayLink`] points, once its target is picked.
struct WayTarget {
    /// `requests` or `reports`.
    section: &'static str,
    id: String,
    /// An attachment's name.
    file: Option<String>,
    /// The page or file is published: the link must stay a link.
    published: bool,
    /// `to` as it could be honoured (a request without a final decision
    /// has no report; one without attachments, none to link to).
    to: u8,
}

struct Writer<'a> {
    canaries: Canaries,
    known: &'a [Known],
    refs: u32,
    /// The body being written is a request's, shown on
    /// `/requests/<id>/` (a decision's may be shown on its report too).
    in_request: bool,
    /// The hazard to write, if any, and where it went.
    hazard: Option<Injection>,
}

impl Writer<'_> {
    fn target(&self, target: usize, report: bool) -> String {
        let t = &self.known[target % self.known.len()];
        if report && t.has_final {
            format!("@{}/report", t.id)
        } else {
            format!("@{}", t.id)
        }
    }

    /// The hazard's text when it goes in `carrier` of request `i` and has
    /// not been written yet, noting that it is written on `line` of
    /// `file` (relative to the content folder).
    fn inject(&mut self, i: usize, carrier: Carrier, file: &str, line: usize) -> Option<String> {
        let h = self.hazard.as_mut()?;
        if h.host != i || h.carrier != carrier || h.placed.is_some() {
            return None;
        }
        h.placed = Some(Place {
            file: file.to_string(),
            line,
        });
        Some(h.text.clone())
    }

    /// True when the hazard goes in one of `carriers` of request `i`.
    fn hazard_in(&self, i: usize, carriers: &[Carrier]) -> bool {
        self.hazard
            .as_ref()
            .is_some_and(|h| h.host == i && carriers.contains(&h.carrier))
    }

    fn leaf(&mut self, leaf: &Leaf, visible: bool, indent: &str, out: &mut String) {
        match leaf {
            Leaf::Para => {
                let c = self.canaries.next(visible);
                let _ = writeln!(out, "{indent}Some *text* {c} and `code`.");
            }
            Leaf::Heading => {
                let c = self.canaries.next(visible);
                let _ = writeln!(out, "{indent}## Further {c}");
            }
            Leaf::Link { target, report } => {
                let c = self.canaries.next(visible);
                let dest = self.target(*target, *report);
                let _ = writeln!(out, "{indent}See [{c}]({dest}) for more.");
            }
            Leaf::RefLink { target, report } => {
                let c = self.canaries.next(visible);
                let dest = self.target(*target, *report);
                self.refs += 1;
                let r = self.refs;
                let _ = writeln!(out, "{indent}See [{c}][ref-{r}] too.\n");
                let _ = writeln!(out, "{indent}[ref-{r}]: {dest}");
            }
            Leaf::Way(link) => self.way(link, visible, indent, out),
            Leaf::Dropped { kind, block } => self.dropped(*kind, *block, visible, indent, out),
        }
    }

    /// What a [`WayLink`] points at: its page, its report when it has a
    /// final decision, one of its attachments when it lists any.
    fn way_target(&self, l: &WayLink) -> WayTarget {
        let n = self.known.len();
        let k = &self.known[l.target % n];
        let page = WayTarget {
            section: "requests",
            id: k.id.clone(),
            file: None,
            published: k.public,
            to: 0,
        };
        match l.to {
            1 if k.has_final => WayTarget {
                section: "reports",
                published: k.public_final,
                to: 1,
                ..page
            },
            2 if !k.attachments.is_empty() => {
                let a = &k.attachments[(l.target / n) % k.attachments.len()];
                WayTarget {
                    file: Some(a.name.clone()),
                    published: a.public,
                    to: 2,
                    ..page
                }
            }
            _ => page,
        }
    }

    /// The destination of a [`WayLink`], and whether the id is disguised
    /// (`%`-escaped, behind a dot segment or a detour), so that a canary
    /// fragment must show whether the link was kept.
    fn way_dest(&self, l: &WayLink, t: &WayTarget) -> (String, bool) {
        if l.style == 0 && t.file.is_none() {
            let report = if t.to == 1 { "/report" } else { "" };
            return (format!("@{}{report}", t.id), false);
        }
        let case = l.mangle & 1 != 0;
        let escape = l.mangle & 2 != 0;
        let dot = l.mangle & 4 != 0;
        let detour = l.mangle & 8 != 0;
        let section = if case {
            t.section.to_ascii_uppercase()
        } else {
            t.section.to_string()
        };
        let mut segment = if case {
            t.id.to_ascii_lowercase()
        } else {
            t.id.clone()
        };
        if escape {
            let first = segment.as_bytes()[0];
            segment = format!("%{first:02X}{}", &segment[1..]);
        }
        if dot {
            segment = format!("./{segment}");
        }
        if detour && l.style != 3 {
            segment = format!("x/../{segment}");
        }
        let path = format!("{segment}/{}", t.file.as_deref().unwrap_or(""));
        let dest = match l.style {
            2 if self.in_request && t.section == "requests" => format!("../{path}"),
            // Two levels up works from a request page and a report alike.
            2 => format!("../../{section}/{path}"),
            3 => {
                let (scheme, host) = if case {
                    ("HTTPS", "Register.Example.ORG".to_string())
                } else {
                    ("https", HOST.to_string())
                };
                let host = if detour {
                    format!("www.{host}:443")
                } else {
                    host
                };
                format!("{scheme}://{host}/{section}/{path}")
            }
            _ => format!("/{section}/{path}"),
        };
        (dest, escape || dot || detour)
    }

    /// Counts the ways of a link whose target is not published.
    fn tally_way(&mut self, l: &WayLink, t: &WayTarget, dest: &str) {
        if t.published {
            self.canaries.kind("link kept: target published");
            return;
        }
        let to = [
            "a withheld request",
            "a withheld report",
            "a withheld attachment",
        ];
        self.canaries
            .kind(format!("link dropped: to {}", to[usize::from(t.to)]));
        let syntax = ["inline", "reference-style", "raw HTML"];
        self.canaries.kind(format!(
            "link dropped: {}",
            syntax[usize::from(l.syntax % 3)]
        ));
        let style = if dest.starts_with('@') {
            "@ID"
        } else {
            ["@ID", "root-relative", "relative", "absolute"][usize::from(l.style % 4)]
        };
        self.canaries.kind(format!("link dropped: {style}"));
        if !dest.starts_with('@') {
            for (bit, what) in [(1, "case"), (2, "%-escape"), (4, "./"), (8, "detour")] {
                if l.mangle & bit != 0 {
                    self.canaries.kind(format!("link dropped: {what}"));
                }
            }
        }
    }

    /// A link to a page or file of the site, written one of the ways of
    /// section 5. Its text is a canary of the block's class; its title and
    /// fragment are canaries that are public only when the link must stay.
    fn way(&mut self, l: &WayLink, visible: bool, indent: &str, out: &mut String) {
        let t = self.way_target(l);
        let (mut dest, disguised) = self.way_dest(l, &t);
        let kept = visible && t.published;
        self.tally_way(l, &t, &dest);
        let text = self.canaries.next(visible);
        if (l.fragment || disguised) && !dest.starts_with('@') {
            let c = self.canaries.rendered_away(kept);
            let query = if l.mangle % 2 == 1 { "?from=list" } else { "" };
            let _ = write!(dest, "{query}#{c}");
        }
        let titled = l.title;
        let title = titled.then(|| self.canaries.rendered_away(kept));
        let md_title = title
            .as_ref()
            .map_or(String::new(), |c| format!(" \"Title {c}\""));
        match l.syntax % 3 {
            0 => {
                let _ = writeln!(out, "{indent}See [{text}]({dest}{md_title}) here.");
            }
            1 => {
                self.refs += 1;
                let r = self.refs;
                let _ = writeln!(out, "{indent}See [{text}][way-{r}] here.\n");
                let _ = writeln!(out, "{indent}[way-{r}]: {dest}{md_title}");
            }
            _ => {
                let attr = title
                    .as_ref()
                    .map_or(String::new(), |c| format!(" title=\"Title {c}\""));
                let _ = writeln!(out, "{indent}See <a href=\"{dest}\"{attr}>{text}</a> here.");
            }
        }
    }

    /// Raw HTML whose text the sanitiser drops, holding a withheld canary,
    /// after a sentence holding a canary of the block's own class; inline
    /// in that sentence or as an HTML block of its own.
    fn dropped(&mut self, kind: u8, block: bool, visible: bool, indent: &str, out: &mut String) {
        let shown = self.canaries.next(visible);
        let gone = self.canaries.rendered_away(false);
        let (name, inline, lines) = match kind % 8 {
            0 => (
                "template",
                format!("<template>{gone}</template>"),
                format!("<template>\n{gone}\n</template>"),
            ),
            1 => (
                "style",
                format!("<style>.x::after {{ content: \"{gone}\" }}</style>"),
                format!("<style>\n.x::after {{ content: \"{gone}\" }}\n</style>"),
            ),
            2 => (
                "svg desc",
                format!("<svg><desc>{gone}</desc></svg>"),
                format!("<svg>\n<desc>{gone}</desc>\n</svg>"),
            ),
            3 => (
                "svg title",
                format!("<svg><title>{gone}</title></svg>"),
                format!("<svg>\n<title>{gone}</title>\n</svg>"),
            ),
            4 => (
                "script",
                format!("<script>var x = \"{gone}\";</script>"),
                format!("<script>\nvar x = \"{gone}\";\n</script>"),
            ),
            5 => (
                "comment",
                format!("<!-- aside {gone} -->"),
                format!("<!--\naside {gone}\n-->"),
            ),
            6 => (
                "math annotation",
                format!("<math><annotation-xml>{gone}</annotation-xml></math>"),
                format!("<math>\n<annotation-xml>{gone}</annotation-xml>\n</math>"),
            ),
            _ => (
                "comment on its own line",
                format!("<!--{gone}-->"),
                format!("<!-- {gone} -->"),
            ),
        };
        let how = if block { "block" } else { "inline" };
        self.canaries
            .kind(format!("sanitised away: {name} ({how})"));
        if block {
            let _ = writeln!(out, "{indent}Aside {shown}.\n");
            let _ = writeln!(out, "{lines}\n");
        } else {
            let _ = writeln!(out, "{indent}Aside {shown} {inline} end.\n");
        }
    }

    fn open(label: &Label, style: u8) -> String {
        let l = label.text(true);
        match style % 3 {
            0 => format!("<!-- {l} -->"),
            1 => format!("<!--{l}-->"),
            _ => format!("  <!--  {l}  -->  "),
        }
    }

    fn close(style: u8) -> &'static str {
        match style % 4 {
            0 => "<!-- /TLP -->",
            1 => "<!-- /tlp -->",
            2 => "<!--/TLP-->",
            _ => "<!-- / Tlp -->",
        }
    }
    fn block(&mut self, block: &Block, visible: bool, out: &mut String) {
        match block {
            Block::Leaf(l) => self.leaf(l, visible, "", out),
            Block::Passage {
                label,
                style,
                close,
                content,
                nested,
            } => {
                let inner = visible && label.public();
                let _ = writeln!(out, "{}", Self::open(label, *style));
                for l in content {
                    self.leaf(l, inner, "", out);
                    out.push('\n');
                }
                if let Some((nested_label, leaves)) = nested {
                    let _ = writeln!(out, "{}", Self::open(nested_label, *style + 1));
                    for l in leaves {
                        self.leaf(l, inner && nested_label.public(), "", out);
                    }
                    let _ = writeln!(out, "{}", Self::close(*close + 1));
                }
                let _ = writeln!(out, "{}", Self::close(*close));
            }
            Block::List { ordered, items } => {
                for (i, item) in items.iter().enumerate() {
                    let bullet = if *ordered {
                        format!("{}. ", i + 1)
                    } else {
                        "- ".to_string()
                    };
                    let c = self.canaries.next(visible);
                    let _ = writeln!(out, "{bullet}Item {c}");
                    let Some((style, label)) = item else { continue };
                    let inner = visible && label.public();
                    match style % 3 {
                        0 => {
                            let _ = writeln!(out, "   <!-- {} -->", label.text(true));
                            let c = self.canaries.next(inner);
                            let _ = writeln!(out, "   Inside the item {c}.");
                            let _ = writeln!(out, "   <!-- /TLP -->");
                        }
                        1 => {
                            let _ = writeln!(out, "<!-- {} -->", label.text(true));
                            let c = self.canaries.next(inner);
                            let _ = writeln!(out, "{bullet}Item {c}");
                            let _ = writeln!(out, "<!-- /TLP -->");
                        }
                        _ => {
                            let _ = writeln!(out, "{bullet}<!-- {} -->", label.text(true));
                            let c = self.canaries.next(inner);
                            let _ = writeln!(out, "   Marked item {c}");
                            let _ = writeln!(out, "{bullet}<!-- /TLP -->");
                        }
                    }
                }
            }
            Block::Adjacent(a, b) => {
                for l in [a, b] {
                    let _ = writeln!(out, "<!-- {} -->", l.text(true));
                    let c = self.canaries.next(visible && l.public());
                    let _ = writeln!(out, "Adjacent {c}");
                    let _ = writeln!(out, "<!-- /TLP -->");
                }
            }
        }
        out.push('\n');
    }

    /// A body under the given headings, the blocks shared out between them.
    fn body(&mut self, blocks: &[Block], headings: &[&str], visible: bool) -> String {
        let mut out = String::new();
        let per = blocks.len().div_ceil(headings.len()).max(1);
        for (i, h) in headings.iter().enumerate() {
            let _ = writeln!(out, "## {h}\n");
            for b in blocks.iter().skip(i * per).take(per) {
                self.block(b, visible, &mut out);
            }
            // Always one public-or-withheld paragraph per section.
            self.leaf(&Leaf::Para, visible, "", &mut out);
            out.push('\n');
        }
        out
    }
}

/// The front matter's `[extra]` tables, every key and string a canary.
impl Writer<'_> {
    /// The keys and values of an `[extra]` table, then its sub-tables and
    /// arrays of tables. On a public record they are quiet canaries (the
    /// default theme does not print `[extra]`), on a withheld one withheld.
    fn extra_body(&mut self, e: &Extra, public: bool) -> String {
        let mut out = String::new();
        self.extra_entries(&e.values, public, &mut out);
        for (values, sub) in &e.tables {
            self.canaries.kind("extra: [extra.table]");
            let key = self.extra_key(public);
            let _ = writeln!(out, "\n[extra.{key}]");
            self.extra_entries(values, public, &mut out);
            if let Some(sub) = sub {
                self.canaries.kind("extra: table in a table");
                let inner = self.extra_key(public);
                let _ = writeln!(out, "\n[extra.{key}.{inner}]");
                self.extra_entries(sub, public, &mut out);
            }
        }
        for entries in &e.arrays {
            self.canaries.kind("extra: array of tables");
            let key = self.extra_key(public);
            for values in entries {
                let _ = writeln!(out, "\n[[extra.{key}]]");
                self.extra_entries(values, public, &mut out);
            }
        }
        out
    }

    /// `key = value` lines.
    fn extra_entries(&mut self, values: &[ExtraValue], public: bool, out: &mut String) {
        for v in values {
            let key = self.extra_key(public);
            let value = self.extra_value(v, public);
            let _ = writeln!(out, "{key} = {value}");
        }
    }

    /// A key: templates can print keys, so they are canaries too.
    fn extra_key(&mut self, public: bool) -> String {
        self.canaries.kind("extra: key");
        self.canaries.quiet(public)
    }

    /// A value written inline: a string, an inline table or an array.
    fn extra_value(&mut self, v: &ExtraValue, public: bool) -> String {
        match v {
            ExtraValue::Str => format!("\"Extra {}\"", self.canaries.quiet(public)),
            ExtraValue::Inline(items) => {
                self.canaries.kind("extra: inline table");
                let mut parts = Vec::new();
                for item in items {
                    let key = self.extra_key(public);
                    parts.push(format!("{key} = {}", self.extra_value(item, public)));
                }
                format!("{{ {} }}", parts.join(", "))
            }
            ExtraValue::Array(items) => {
                self.canaries.kind("extra: array");
                let mut parts = Vec::new();
                for item in items {
                    parts.push(self.extra_value(item, public));
                }
                format!("[{}]", parts.join(", "))
            }
        }
    }
}

/// Writing records.
impl Writer<'_> {
    /// `key = "<prefix> <canary>"`, with the hazard's text after the canary
    /// when it goes in `carrier` of request `i`.
    fn field(
        &mut self,
        t: &mut String,
        (i, carrier, file): (usize, Carrier, &str),
        key: &str,
        prefix: &str,
        public: bool,
    ) {
        let c = self.canaries.next(public);
        let hazard = self
            .inject(i, carrier, file, next_line(t))
            .unwrap_or_default();
        let _ = writeln!(t, "{key} = \"{prefix} {c}{hazard}\"");
    }

    /// A request's own fields, up to its tables.
    fn request_fields(&mut self, i: usize, r: &RequestPlan, file: &str, t: &mut String) {
        let known = self.known;
        let k = &known[i];
        let public = k.public;
        let _ = writeln!(t, "id = {}", toml_str(&k.id));
        let kind = if r.refurbishment {
            "refurbishment-use-case"
        } else {
            "sc-modification"
        };
        let _ = writeln!(t, "type = {}", toml_str(kind));
        self.field(t, (i, Carrier::Title, file), "title", "Title", public);
        let _ = writeln!(t, "classification = {}", toml_str(&r.label.text(false)));
        let _ = writeln!(t, "submitted = {}", date(i64::from(r.submitted)));
        if !r.refurbishment || r.personal[0] {
            t.push_str("reasons = [\"lessons-learned\", \"new-equipment\"]\n");
        }
        t.push_str("devices = [\"ESME\", \"HCALCS\"]\naffected_scs = [\"DEV 3.2\"]\n");
        let at = (i, Carrier::AffectedReason, file);
        self.field(t, at, "affected_scs_reason", "Because", public);
        t.push_str("requires_new_sc = true\n");
        let at = (i, Carrier::NewScReason, file);
        self.field(t, at, "requires_new_sc_reason", "Since", public);
        if r.urgent {
            t.push_str("urgent = true\n");
            let at = (i, Carrier::UrgentReason, file);
            self.field(t, at, "urgent_reason", "Now", public);
        }
        if !k.related.is_empty() {
            let ids: Vec<String> = k.related.iter().map(|id| toml_str(id)).collect();
            let _ = writeln!(t, "related = [{}]", ids.join(", "));
        }
        if r.draft {
            t.push_str("draft = true\n");
        }
    }

    /// `[proposer]` and `[sponsor]`: the organisations are published with
    /// the record, the personal data never.
    fn contacts(&mut self, i: usize, r: &RequestPlan, file: &str, t: &mut String) {
        let known = self.known;
        let k = &known[i];
        let personal = |t: &mut String, table: &str| {
            for p in k.personal.iter().filter(|p| p.table == table) {
                let _ = writeln!(t, "{} = {}", p.key, toml_str(&p.value));
            }
        };
        t.push_str("\n[proposer]\n");
        let at = (i, Carrier::Organisation, file);
        self.field(t, at, "organisation", "Org", k.public);
        personal(t, "proposer");
        if has_sponsor(r) {
            t.push_str("\n[sponsor]\n");
            let at = (i, Carrier::SecParty, file);
            self.field(t, at, "sec_party", "Party", k.public);
            personal(t, "sponsor");
        }
    }

    /// `[extra]`, with the hazard's line first when it goes there (a
    /// hazard needs the table even when the plan has none).
    fn request_extra(&mut self, i: usize, r: &RequestPlan, file: &str, t: &mut String) {
        let public = self.known[i].public;
        let carriers = [Carrier::ExtraValue, Carrier::ExtraKey, Carrier::ReservedKey];
        if public && r.extra.is_none() && !self.hazard_in(i, &carriers) {
            return;
        }
        t.push_str("\n[extra]\n");
        for carrier in carriers {
            if let Some(line) = self.inject(i, carrier, file, next_line(t)) {
                let _ = writeln!(t, "{line}");
            }
        }
        if !public {
            let _ = writeln!(t, "note = \"{}\"", self.canaries.next(false));
        }
        if let Some(e) = &r.extra {
            let whose = if public { "public" } else { "withheld" };
            self.canaries.kind(format!("extra: on a {whose} request"));
            let body = self.extra_body(e, public);
            t.push_str(&body);
        }
    }

    /// `[[history]]`, with a note on every stage when the plan says so;
    /// returns the day of the last stage.
    fn history(&mut self, i: usize, r: &RequestPlan, file: &str, t: &mut String) -> i64 {
        let public = self.known[i].public;
        let mut stages: Vec<&str> = vec!["submitted"];
        for s in ["triage", "ncsc-review", "refinement", "decided"]
            .iter()
            .take(r.last_stage as usize)
        {
            stages.push(s);
            if *s == "triage" && r.repeat_triage {
                stages.push(s);
            }
        }
        let mut day = i64::from(r.submitted);
        for (n, s) in stages.iter().enumerate() {
            if n > 0 {
                day += 10;
            }
            let _ = writeln!(t, "\n[[history]]\ndate = {}\nstage = \"{s}\"", date(day));
            if r.notes {
                self.field(t, (i, Carrier::Note, file), "note", "Noted", public);
            }
        }
        day
    }

    /// `[[attachments]]`: each listed with its own label; returns each
    /// one's name and bytes.
    fn attachments(&mut self, i: usize, file: &str, t: &mut String) -> Vec<(String, Vec<u8>)> {
        let known = self.known;
        let k = &known[i];
        let dir = format!("requests/{}", k.id);
        let mut files = Vec::new();
        for a in &k.attachments {
            let (_, text) = ATTACHMENT_KINDS[a.kind];
            let whose = match (k.public, a.public) {
                (true, true) => "public",
                (true, false) => "withheld (own label)",
                _ => "withheld (request withheld)",
            };
            let form = if text { "text" } else { "binary" };
            self.canaries.kind(format!("attachment: {whose}, {form}"));
            let _ = writeln!(t, "\n[[attachments]]\nfile = {}", toml_str(&a.name));
            let at = (i, Carrier::AttachmentTitle, file);
            self.field(t, at, "title", "Evidence", a.public);
            let _ = writeln!(t, "classification = {}", toml_str(&a.label.text(false)));
            let inside = self.canaries.next(a.public);
            let path = format!("{dir}/{}", a.name);
            let bytes = self.attachment_bytes(i, a.kind, &inside, &path);
            files.push((a.name.clone(), bytes));
        }
        files
    }

    /// An attachment's bytes with `canary` inside: text, or binary bytes
    /// around printable runs (PNG and PDF headers, or none); with the
    /// hazard's text when it goes in this attachment.
    fn attachment_bytes(&mut self, i: usize, kind: usize, canary: &str, path: &str) -> Vec<u8> {
        let mut bytes: Vec<u8> = match kind {
            0 => format!("{canary}\n").into_bytes(),
            1 => format!("field,value\nnote,{canary}\n").into_bytes(),
            2 => {
                let mut b =
                    b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0".to_vec();
                b.extend_from_slice(format!("\0\0\0\x1ctEXtComment\0{canary}\0").as_bytes());
                b.extend_from_slice(b"\0\0\0\0IEND\xaeB`\x82");
                b
            }
            3 => {
                let mut b = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n".to_vec();
                b.extend_from_slice(
                    format!("1 0 obj\n<< /Title ({canary}) >>\nendobj\n").as_bytes(),
                );
                b.extend_from_slice(b"\x00\x01\x02\xff\n%%EOF\n");
                b
            }
            4 => {
                let mut b = b"\x00\x01\x02\x03".to_vec();
                b.extend_from_slice(canary.as_bytes());
                b.extend_from_slice(b"\x00\xff\xfe");
                b
            }
            _ => format!("Data {canary}\n").into_bytes(),
        };
        let text_line = next_line(&String::from_utf8_lossy(&bytes));
        if let Some(h) = self.inject(i, Carrier::AttachmentText, path, text_line) {
            bytes.extend_from_slice(format!("{h}\n").as_bytes());
        }
        if let Some(h) = self.inject(i, Carrier::AttachmentBinary, path, 1) {
            let utf16 = self.hazard.as_ref().map_or(0, |h| h.utf16);
            bytes.extend_from_slice(b"\n/Author (");
            bytes.extend_from_slice(&hazards::encode(&h, utf16));
            bytes.extend_from_slice(b")\n\xff\x00");
        }
        bytes
    }

    /// The hazard's text at the end of a body, on lines of its own, when it
    /// goes there.
    fn body_hazard(&mut self, i: usize, carrier: Carrier, file: &str, t: &mut String) {
        if !self.hazard_in(i, &[carrier]) {
            return;
        }
        if !t.ends_with("\n\n") {
            t.push('\n');
        }
        if let Some(h) = self.inject(i, carrier, file, next_line(t)) {
            let _ = writeln!(t, "{h}");
        }
    }

    /// Writes request `i` (a file, or a folder with its attachments, a
    /// hidden file and perhaps a hazard's unlisted file); returns the day
    /// of its last stage and the attachments that must be published.
    fn request(
        &mut self,
        i: usize,
        r: &RequestPlan,
        content: &std::path::Path,
    ) -> (i64, Vec<(String, Vec<u8>)>) {
        let known = self.known;
        let k = &known[i];
        let file = match r.folder {
            Some(_) => format!("requests/{}/index.md", k.id),
            None => format!("requests/{}.md", k.id),
        };
        let mut t = String::from("+++\n");
        self.request_fields(i, r, &file, &mut t);
        self.contacts(i, r, &file, &mut t);
        self.request_extra(i, r, &file, &mut t);
        let decided_day = self.history(i, r, &file, &mut t);
        let attachments = self.attachments(i, &file, &mut t);
        t.push_str("+++\n");
        self.in_request = true;
        let body = self.body(
            &r.body,
            &["Issue", "Why it needs addressing", "Proposed solution"],
            k.public,
        );
        t.push_str(&body);
        self.body_hazard(i, Carrier::Body, &file, &mut t);
        write(content, &file, &t);
        let mut copies = Vec::new();
        if r.folder.is_some() {
            let dir = format!("requests/{}", k.id);
            for ((name, bytes), a) in attachments.into_iter().zip(&k.attachments) {
                write(content, &format!("{dir}/{name}"), &bytes);
                if a.public {
                    copies.push((format!("{dir}/{name}"), bytes));
                }
            }
            // Hidden files are never published.
            let hidden = format!(".{}", self.canaries.next(false).to_lowercase());
            let inside = self.canaries.next(false);
            write(content, &format!("{dir}/{hidden}"), format!("{inside}\n"));
            if self.hazard_in(i, &[Carrier::Unlisted]) {
                let name = self.hazard.as_ref().map(|h| h.text.clone());
                let path = format!("{dir}/{}", name.unwrap_or_default());
                if self.inject(i, Carrier::Unlisted, &path, 1).is_some() {
                    // A leftover holds everything the record does.
                    write(content, &path, &t);
                }
            }
        }
        (decided_day, copies)
    }
}
/// One decision file to write: its name, plan, kind and date.
struct DecisionFile<'p> {
    name: String,
    plan: &'p DecisionPlan,
    is_final: bool,
    day: i64,
}

/// Writing decisions and `site.toml`.
impl Writer<'_> {
    /// Writes request `i`'s decisions: interims dated on the way, the
    /// final on `decided`. `withheld_interims` counts the site's withheld
    /// interim decisions, whose dates are canaries.
    fn decisions(
        &mut self,
        i: usize,
        r: &RequestPlan,
        decided_day: i64,
        content: &std::path::Path,
        withheld_interims: &mut i64,
    ) {
        let known = self.known;
        let k = &known[i];
        let submitted = i64::from(r.submitted);
        let mut files: Vec<DecisionFile<'_>> = r
            .interims
            .iter()
            .enumerate()
            .map(|(n, d)| DecisionFile {
                name: format!("{}-interim-{}", k.id, n + 1),
                plan: d,
                is_final: false,
                day: submitted + (decided_day - submitted) * (n as i64) / 3,
            })
            .collect();
        if k.has_final {
            files.push(DecisionFile {
                name: format!("{}-final", k.id),
                plan: &r.final_decision,
                is_final: true,
                day: decided_day,
            });
        }
        self.in_request = false;
        for mut f in files {
            let visible = k.public && f.plan.label.public();
            if !visible && !f.is_final {
                // A withheld interim decision's dates are canaries too: days
                // of late 2025 that no other date of the site uses (public
                // dates run 2020-2024; implementation dates are the 1st).
                *withheld_interims += 1;
                f.day = date_offset(2025, 7, 2) + 3 * *withheld_interims;
                self.canaries.note(false, date(f.day).to_string());
                if f.plan.panel_notified {
                    self.canaries.note(false, date(f.day + 1).to_string());
                }
            }
            self.decision(i, &f, visible, content);
        }
    }

    /// Writes one decision file.
    fn decision(
        &mut self,
        i: usize,
        f: &DecisionFile<'_>,
        visible: bool,
        content: &std::path::Path,
    ) {
        let d = f.plan;
        let file = format!("decisions/{}.md", f.name);
        let mut t = String::from("+++\n");
        let _ = writeln!(t, "request = {}", toml_str(&self.known[i].id));
        let _ = writeln!(t, "classification = {}", toml_str(&d.label.text(false)));
        let _ = writeln!(t, "date = {}", date(f.day));
        let outcome = if f.is_final {
            ["approved", "rejected", "withdrawn"][d.outcome as usize % 3]
        } else {
            ["progressed", "returned", "deferred"][d.outcome as usize % 3]
        };
        let kind = if f.is_final { "final" } else { "interim" };
        let _ = writeln!(t, "kind = \"{kind}\"\noutcome = \"{outcome}\"");
        if outcome == "approved" {
            self.approval(d, visible, &mut t);
        }
        if d.panel_notified {
            let notified = if !visible && !f.is_final {
                f.day + 1
            } else {
                f.day + 3
            };
            let _ = writeln!(t, "panel_notified = {}", date(notified));
        }
        // Hazards go in the first interim decision.
        let carriers: &[Carrier] = if f.is_final {
            &[]
        } else {
            &[Carrier::DecisionReservedKey, Carrier::DecisionBody]
        };
        let reserved = carriers.contains(&Carrier::DecisionReservedKey)
            && self.hazard_in(i, &[Carrier::DecisionReservedKey]);
        if d.extra.is_some() || reserved {
            t.push_str("\n[extra]\n");
            if !f.is_final
                && let Some(line) =
                    self.inject(i, Carrier::DecisionReservedKey, &file, next_line(&t))
            {
                let _ = writeln!(t, "{line}");
            }
            if let Some(e) = &d.extra {
                let whose = if visible { "public" } else { "withheld" };
                self.canaries.kind(format!("extra: on a {whose} decision"));
                let body = self.extra_body(e, visible);
                t.push_str(&body);
            }
        }
        t.push_str("+++\n");
        let body = self.body(&d.body, &["Summary", "Decision and reasons"], visible);
        t.push_str(&body);
        if !f.is_final {
            self.body_hazard(i, Carrier::DecisionBody, &file, &mut t);
        }
        write(content, &file, &t);
    }

    /// `sc_version` and `implementation_date` of an approval; a withheld
    /// approval's SC version is a canary.
    fn approval(&mut self, d: &DecisionPlan, visible: bool, t: &mut String) {
        let version = if visible {
            format!("1.{}", d.version)
        } else {
            self.canaries.n += 1;
            let n = self.canaries.n;
            // Three digits each, none a leading zero (the SC version rule).
            let v = format!("{}.{}", 900 + n % 100, 100 + n % 900);
            self.canaries.note(false, v.clone());
            v
        };
        // Version 1.<even> is in effect on the build date, 1.<odd> later.
        let month = d.version + 1;
        let year = if d.version.is_multiple_of(2) {
            2025
        } else {
            2027
        };
        let _ = writeln!(
            t,
            "sc_version = \"{version}\"\nimplementation_date = {year}-{month:02}-01"
        );
    }

    /// `site.toml`: its published strings are canaries (the hazard may go
    /// in `description`), and it lists the public contact points.
    fn site_toml(&mut self, content: &std::path::Path) {
        let mut t = String::from("title = \"Property register\"\n");
        let _ = writeln!(t, "base_url = \"https://{HOST}\"");
        let at = (0, Carrier::SiteDescription, "site.toml");
        self.field(&mut t, at, "description", "About", true);
        let owner = self.canaries.next(true);
        let _ = writeln!(t, "owner = \"Owner {owner}\"");
        let contacts: Vec<String> = PUBLIC_CONTACTS.iter().map(|c| toml_str(c)).collect();
        let _ = writeln!(t, "public_contacts = [{}]", contacts.join(", "));
        write(content, "site.toml", &t);
    }
}

/// The status a public request must show on the build date.
fn expected_status(plan: &RequestPlan, final_public: bool) -> String {
    const STAGES: [&str; 5] = [
        "submitted",
        "triage",
        "ncsc-review",
        "refinement",
        "decided",
    ];
    if plan.last_stage < 4 {
        return STAGES[plan.last_stage as usize].to_string();
    }
    if !final_public {
        return "decided".to_string();
    }
    match plan.final_decision.outcome {
        0 if plan.final_decision.version.is_multiple_of(2) => "implemented",
        0 => "scheduled",
        1 => "rejected",
        _ => "withdrawn",
    }
    .to_string()
}

/// The personal data request `r` declares, each value a withheld canary:
/// never published, public record or not.
fn personal_data(r: &RequestPlan, canaries: &mut Canaries) -> Vec<Personal> {
    let mut out = Vec::new();
    let mut push = |table, key, value: String| {
        out.push(Personal { table, key, value });
    };
    if r.personal[1] {
        push("proposer", "name", format!("A. {}", canaries.next(false)));
    }
    if r.personal[2] {
        canaries.n += 1;
        let phone = format!("+44 1632 9{:05}", canaries.n);
        canaries.note(false, phone.clone());
        push("proposer", "phone", phone);
    }
    if r.personal[3] {
        let email = format!("{}@example.org", canaries.next(false).to_lowercase());
        canaries.note(false, email.clone());
        push("proposer", "email", email);
    }
    if has_sponsor(r) && r.personal[4] {
        push("sponsor", "name", format!("B. {}", canaries.next(false)));
        let email = format!("{}@example.net", canaries.next(false).to_lowercase());
        canaries.note(false, email.clone());
        push("sponsor", "email", email);
        canaries.n += 1;
        let phone = format!("020 7946 {:04}", canaries.n);
        canaries.note(false, phone.clone());
        push("sponsor", "phone", phone);
    }
    out
}

/// What is settled before any file is written, since links, `related`
/// and hazards need it of every request: ids, attachment names, personal
/// data, what is public.
fn plan_known(plan: &SitePlan, canaries: &mut Canaries) -> Vec<Known> {
    let mut known: Vec<Known> = plan
        .requests
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let public = r.label.public() && !r.draft;
            let id = if public {
                format!("PB-{}-{}", i + 1, canaries.letters())
            } else {
                let id = format!("WH-{}-{}", i + 1, canaries.letters());
                canaries.note(false, id.clone());
                id
            };
            let has_final = r.last_stage == 4;
            let public_final = public && has_final && r.final_decision.label.public();
            Known {
                id,
                public,
                has_final,
                status: expected_status(r, public_final),
                public_decisions: r
                    .interims
                    .iter()
                    .filter(|d| public && d.label.public())
                    .count()
                    + usize::from(public_final),
                public_final,
                related: Vec::new(),
                attachments: known_attachments(r, public, canaries),
                personal: personal_data(r, canaries),
            }
        })
        .collect();
    for (i, r) in plan.requests.iter().enumerate() {
        let mut related: Vec<usize> = Vec::new();
        for t in &r.related {
            let t = t % known.len();
            if t != i && !related.contains(&t) {
                related.push(t);
            }
        }
        known[i].related = related.iter().map(|&t| known[t].id.clone()).collect();
    }
    known
}

/// A folder record's listed attachments: each name a canary, public only
/// when the attachment and its request are.
fn known_attachments(
    r: &RequestPlan,
    request_public: bool,
    canaries: &mut Canaries,
) -> Vec<KnownAttachment> {
    r.folder
        .iter()
        .flatten()
        .map(|a| {
            let public = request_public && a.label.public();
            let kind = usize::from(a.kind) % ATTACHMENT_KINDS.len();
            let name = canaries.next(public).to_lowercase() + ATTACHMENT_KINDS[kind].0;
            KnownAttachment {
                name,
                public,
                kind,
                label: a.label.clone(),
            }
        })
        .collect()
}

/// Writes the content folder of `plan` under `root`, with `hazard` in it
/// when one is given; returns what is known of each request, every canary
/// handed out, and where the hazard went.
fn write_site(
    plan: &SitePlan,
    root: &std::path::Path,
    hazard: Option<&hazards::Hazard>,
) -> Written {
    let mut canaries = Canaries::new(plan.seed);
    let known = plan_known(plan, &mut canaries);
    let injection = hazard.map(|h| h.injection(&known, plan.seed));
    let mut w = Writer {
        canaries,
        known: &known,
        refs: 0,
        in_request: true,
        hazard: injection,
    };
    let content = root.join("content");
    w.site_toml(&content);
    let mut copies = Vec::new();
    let mut withheld_interims = 0i64;
    for (i, r) in plan.requests.iter().enumerate() {
        let (decided_day, published) = w.request(i, r, &content);
        copies.extend(published);
        w.decisions(i, r, decided_day, &content, &mut withheld_interims);
    }
    let Writer {
        canaries, hazard, ..
    } = w;
    if let Some(h) = &hazard {
        assert!(h.placed.is_some(), "the hazard {h:?} found no place");
    }
    Written {
        known,
        canaries,
        copies,
        hazard: hazard.and_then(|h| h.placed),
    }
}

// ---------------------------------------------------------------------------
// Checking a built site.

#[derive(Default)]
struct Tally {
    cases: usize,
    binary_builds: usize,
    requests: usize,
    public_requests: usize,
    decisions: usize,
    withheld_canaries: usize,
    public_canaries: usize,
    quiet_canaries: usize,
    files_scanned: usize,
    bytes_scanned: usize,
    /// Kind of canary or hazard: (cases that held one, how many in all).
    kinds: BTreeMap<String, (usize, usize)>,
}

impl Tally {
    /// Adds one case's kinds.
    fn add_kinds(&mut self, kinds: &BTreeMap<String, usize>) {
        for (kind, n) in kinds {
            let entry = self.kinds.entry(kind.clone()).or_default();
            entry.0 += 1;
            entry.1 += n;
        }
    }

    /// One line per kind: in how many cases, how many in all.
    fn kinds_report(&self) -> String {
        let mut out = String::new();
        for (kind, (cases, n)) in &self.kinds {
            let _ = writeln!(out, "  {kind}: {cases} cases ({n} in all)");
        }
        out
    }
}

fn fail(message: String) -> Result<(), TestCaseError> {
    Err(TestCaseError::fail(message))
}

/// No withheld canary and no passage marker anywhere; every public canary
/// somewhere.
fn check_canaries(hay: &Haystack, canaries: &Canaries, what: &str) -> Result<(), TestCaseError> {
    let found = leaks(hay, &canaries.withheld);
    if !found.is_empty() {
        return fail(format!(
            "{what}: withheld material published:\n{}",
            found.join("\n")
        ));
    }
    for marker in ["<!-- tlp", "<!--tlp", "<!-- /tlp", "<!--/tlp", "<!-- / tlp"] {
        let found = hay.find(marker);
        if !found.is_empty() {
            return fail(format!("{what}: a TLP marker in {found:?}"));
        }
    }
    let missing: Vec<&String> = canaries
        .public
        .iter()
        .filter(|c| !hay.contains(c))
        .collect();
    if !missing.is_empty() {
        return fail(format!("{what}: public material missing: {missing:?}"));
    }
    Ok(())
}

/// Every public request has its page; a report page exactly where the
/// final decision is public, and no other mention of a report path; every
/// public attachment copied byte for byte, no other attachment.
fn check_pages(
    files: &Files,
    hay: &Haystack,
    site: &Written,
    what: &str,
) -> Result<(), TestCaseError> {
    for k in site.known.iter().filter(|k| k.public) {
        if !files.contains_key(&format!("requests/{}/index.html", k.id)) {
            return fail(format!("{what}: {} has no page", k.id));
        }
        let report = files.contains_key(&format!("reports/{}/index.html", k.id));
        if report != k.public_final {
            return fail(format!(
                "{what}: report page of {} exists: {report}, public final: {}",
                k.id, k.public_final
            ));
        }
        if !k.public_final {
            let found = hay.find(&format!("reports/{}", k.id));
            if !found.is_empty() {
                return fail(format!(
                    "{what}: a report of {} is linked or named, but its final decision is not public: {found:?}",
                    k.id
                ));
            }
        }
        for a in k.attachments.iter().filter(|a| !a.public) {
            let path = format!("requests/{}/{}", k.id, a.name);
            if files.contains_key(&path) {
                return fail(format!("{what}: withheld attachment {path} published"));
            }
        }
    }
    for (path, bytes) in &site.copies {
        if files.get(path) != Some(bytes) {
            return fail(format!(
                "{what}: public attachment {path} not published byte for byte"
            ));
        }
    }
    Ok(())
}

/// `register.json`: exactly the public requests, with the right status,
/// public decisions only and public `related` ids only.
fn check_register_json(files: &Files, known: &[Known], what: &str) -> Result<(), TestCaseError> {
    let json: serde_json::Value = serde_json::from_slice(&files["register.json"])
        .map_err(|e| TestCaseError::fail(format!("register.json: {e}")))?;
    let requests = json["requests"].as_array().cloned().unwrap_or_default();
    let ids: BTreeSet<&str> = requests.iter().filter_map(|r| r["id"].as_str()).collect();
    let expected = public_ids(known);
    if ids != expected {
        return fail(format!(
            "{what}: register.json has {ids:?}, expected {expected:?}"
        ));
    }
    for r in &requests {
        let id = r["id"].as_str().unwrap_or_default();
        let k = known.iter().find(|k| k.id == id).expect("known id");
        if r["status"] != k.status.as_str() {
            return fail(format!(
                "{what}: {id} has status {}, expected {}",
                r["status"], k.status
            ));
        }
        let decisions = r["decisions"].as_array().map_or(0, Vec::len);
        if decisions != k.public_decisions {
            return fail(format!(
                "{what}: {id} shows {decisions} decisions, {} are public",
                k.public_decisions
            ));
        }
        if r["final_decision"].is_null() == k.public_final {
            return fail(format!(
                "{what}: {id} final_decision {}, public final: {}",
                r["final_decision"], k.public_final
            ));
        }
        let related: Vec<&str> = r["related"]
            .as_array()
            .map(|a| a.iter().filter_map(|x| x.as_str()).collect())
            .unwrap_or_default();
        let want: Vec<&str> = k
            .related
            .iter()
            .map(String::as_str)
            .filter(|x| expected.contains(x))
            .collect();
        if related != want {
            return fail(format!(
                "{what}: {id} related {related:?}, expected {want:?}"
            ));
        }
    }
    Ok(())
}

fn public_ids(known: &[Known]) -> BTreeSet<&str> {
    known
        .iter()
        .filter(|k| k.public)
        .map(|k| k.id.as_str())
        .collect()
}

fn check_files(files: &Files, site: &Written, what: &str) -> Result<(), TestCaseError> {
    let hay = Haystack::new(files);
    check_canaries(&hay, &site.canaries, what)?;
    check_pages(files, &hay, site, what)?;
    check_register_json(files, &site.known, what)?;
    // register.csv: one row per public request, in id order.
    let csv = String::from_utf8_lossy(&files["register.csv"]).into_owned();
    let rows: BTreeSet<&str> = csv
        .lines()
        .skip(1)
        .filter_map(|l| l.split(',').next())
        .collect();
    if rows != public_ids(&site.known) {
        return fail(format!("{what}: register.csv rows {rows:?}"));
    }
    // The feed and sitemap are XML and name public requests only.
    for xml in ["feed.xml", "sitemap.xml"] {
        let text = String::from_utf8_lossy(&files[xml]).into_owned();
        if let Err(e) = roxmltree::Document::parse(&text) {
            return fail(format!("{what}: {xml} is not XML: {e}"));
        }
    }
    Ok(())
}

/// The files a binary build wrote to `out`, without the output's marker,
/// which must be there.
fn output_files(out: &std::path::Path) -> Result<Files, TestCaseError> {
    let mut disk = tree(out);
    if disk.remove(register::output::MARKER).is_none() {
        return Err(TestCaseError::fail("the output has no marker file"));
    }
    Ok(disk)
}

/// Fails unless the binary wrote the files the in-process build made.
fn same_files(disk: &Files, files: &Files) -> Result<(), TestCaseError> {
    if disk == files {
        return Ok(());
    }
    let a: BTreeSet<&String> = disk.keys().collect();
    let b: BTreeSet<&String> = files.keys().collect();
    let differ: Vec<&String> = a
        .intersection(&b)
        .filter(|p| disk[**p] != files[**p])
        .copied()
        .collect();
    fail(format!(
        "the binary and the in-process build differ: only on disk {:?}, only in memory {:?}, different bytes {differ:?}",
        a.difference(&b).collect::<Vec<_>>(),
        b.difference(&a).collect::<Vec<_>>()
    ))
}

fn check_site(plan: &SitePlan, tally: &mut Tally) -> Result<(), TestCaseError> {
    let tmp = tempfile::tempdir().expect("temp dir");
    let root = tmp.path().join("site");
    let site = write_site(plan, &root, None);
    let content = root.join("content");
    let files = build_in_process(&content, today());
    check_files(&files, &site, "in process")?;
    tally.cases += 1;
    tally.requests += site.known.len();
    tally.public_requests += site.known.iter().filter(|k| k.public).count();
    tally.decisions += plan
        .requests
        .iter()
        .map(|r| r.interims.len() + usize::from(r.last_stage == 4))
        .sum::<usize>();
    tally.withheld_canaries += site.canaries.withheld.len();
    tally.public_canaries += site.canaries.public.len();
    tally.quiet_canaries += site.canaries.quiet.len();
    tally.files_scanned += files.len();
    tally.bytes_scanned += files.values().map(Vec::len).sum::<usize>();
    tally.add_kinds(&site.canaries.kinds);
    if plan.via_binary {
        let out = tmp.path().join("public");
        let run = build_bin(&content, &out, TODAY);
        if run.code != 0 {
            return fail(format!(
                "register build exited {}: {}",
                run.code, run.stderr
            ));
        }
        let disk = output_files(&out)?;
        check_files(&disk, &site, "register build")?;
        same_files(&disk, &files)?;
        tally.binary_builds += 1;
        tally.files_scanned += disk.len();
    }
    Ok(())
}

#[test]
fn generated_sites_publish_every_public_canary_and_no_withheld_one() {
    let config = config(96);
    let cases = config.cases;
    let mut runner = TestRunner::new(config);
    let tally = std::cell::RefCell::new(Tally::default());
    let result = runner.run(&site(), |plan| check_site(&plan, &mut tally.borrow_mut()));
    if let Err(e) = result {
        panic!("{e}");
    }
    let t = tally.into_inner();
    eprintln!(
        "publication properties: {cases} cases passed ({} checked including shrinking), \
         {} via the binary too; {} requests ({} public), {} decisions; \
         {} withheld canaries absent, {} public canaries present, {} quiet ones generated; \
         {} output files ({} bytes) scanned; cases (canaries) of each kind:\n{}",
        t.cases,
        t.binary_builds,
        t.requests,
        t.public_requests,
        t.decisions,
        t.withheld_canaries,
        t.public_canaries,
        t.quiet_canaries,
        t.files_scanned,
        t.bytes_scanned,
        t.kinds_report()
    );
    assert!(t.cases >= cases as usize);
}

#[test]
fn hazards_are_located_errors_that_leave_the_output_as_it_was() {
    let config = config(64);
    let cases = config.cases;
    let mut runner = TestRunner::new(config);
    let tally = std::cell::RefCell::new(Tally::default());
    let strategy = (site_of(1..4), hazards::hazard());
    let result = runner.run(&strategy, |(plan, hazard)| {
        hazards::check(plan, hazard, &mut tally.borrow_mut())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
    let t = tally.into_inner();
    eprintln!(
        "hazard properties: {cases} cases passed ({} checked including shrinking); \
         cases of each kind:\n{}",
        t.cases,
        t.kinds_report()
    );
    assert!(t.cases >= cases as usize);
}
// ---------------------------------------------------------------------------
// Cheaper properties on the pieces, with many more cases.

/// `passages::strip` alone, on bodies made of the same blocks: withheld
/// canaries never survive, public ones always do, valid bodies report no
/// problem and no marker line survives.
#[test]
fn stripped_bodies_keep_public_lines_only() {
    let config = config(64);
    // The pieces are cheap: many more cases than whole sites.
    let config = Config {
        cases: config.cases * 8,
        ..config
    };
    let cases = config.cases;
    let mut runner = TestRunner::new(config);
    let tally = std::cell::RefCell::new((0usize, 0usize, 0usize));
    let known = [Known {
        id: "PB-1-X".into(),
        public: true,
        has_final: true,
        status: String::new(),
        public_decisions: 0,
        public_final: false,
        related: Vec::new(),
        attachments: Vec::new(),
        personal: Vec::new(),
    }];
    let result = runner.run(&(body(), any::<u64>()), |(blocks, seed)| {
        let mut w = Writer {
            canaries: Canaries::new(seed),
            known: &known,
            refs: 0,
            in_request: true,
            hazard: None,
        };
        let text = w.body(&blocks, &["Issue"], true);
        let marked = register::publish::passages::strip(&text);
        if !marked.problems.is_empty() {
            return fail(format!("problems {:?} in\n{text}", marked.problems));
        }
        let lower = marked.public.to_ascii_lowercase();
        // Link destinations and sanitised HTML are the renderer's to drop.
        let passage_withheld = w
            .canaries
            .withheld
            .iter()
            .filter(|c| !w.canaries.rendered_away.contains(*c));
        for c in passage_withheld {
            if lower.contains(&c.to_ascii_lowercase()) {
                return fail(format!("{c} survived in\n{}", marked.public));
            }
        }
        for c in &w.canaries.public {
            if !marked.public.contains(c.as_str()) {
                return fail(format!("{c} was lost from\n{}", marked.public));
            }
        }
        // Ordinary comments stay for the sanitiser; markers never do.
        let markers = register::publish::passages::markers_in(&marked.public);
        if !markers.is_empty() {
            return fail(format!("a marker survived in\n{}", marked.public));
        }
        let mut t = tally.borrow_mut();
        t.0 += 1;
        t.1 += w.canaries.withheld.len();
        t.2 += w.canaries.public.len();
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
    let (n, withheld, public) = tally.into_inner();
    eprintln!(
        "passage properties: {cases} cases passed ({n} checked); \
         {withheld} withheld canaries absent, {public} public canaries present"
    );
}

/// Every way of writing a TLP label is read as its colour, and only CLEAR
/// and WHITE are public.
#[test]
fn labels_in_any_case_with_or_without_prefix_are_read_as_their_colour() {
    let mut runner = TestRunner::new(config(256));
    let result = runner.run(&label(), |l| {
        for marker in [false, true] {
            let text = l.text(marker);
            let tlp = register::model::classification::Tlp::parse(&text);
            let expected = register::model::classification::Tlp::parse(COLOURS[l.colour]);
            if tlp.is_none() || tlp != expected {
                return fail(format!("{text:?} read as {tlp:?}"));
            }
            if register::model::classification::is_public_label(&text) != l.public() {
                return fail(format!("{text:?}: wrong publication"));
            }
        }
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
}

/// A public request whose final decision is withheld is `decided` on every
/// page and export that shows a status, and its outcome shows nowhere.
#[test]
fn withheld_final_decision_leaves_a_public_request_decided() {
    let mut runner = TestRunner::new(config(16));
    let result = runner.run(
        &(site(), label(), 2..6usize, 0..3u8),
        |(mut plan, mut withheld_label, colour, outcome)| {
            withheld_label.colour = colour;
            let r = &mut plan.requests[0];
            // Related rows show their own status: none on this page.
            r.related.clear();
            r.label = Label {
                colour: 0,
                ..r.label.clone()
            };
            r.draft = false;
            r.last_stage = 4;
            r.final_decision.label = withheld_label;
            r.final_decision.outcome = outcome;
            plan.via_binary = false;
            let tmp = tempfile::tempdir().expect("temp dir");
            let root = tmp.path().join("site");
            let site = write_site(&plan, &root, None);
            let files = build_in_process(&root.join("content"), today());
            check_files(&files, &site, "in process")?;
            let id = &site.known[0].id;
            let csv = String::from_utf8_lossy(&files["register.csv"]).into_owned();
            let row = csv
                .lines()
                .find(|l| l.starts_with(&format!("{id},")))
                .unwrap_or_default();
            let cells: Vec<&str> = row.split(',').collect();
            if cells.get(3) != Some(&"decided") || !cells.get(12).is_some_and(|c| c.is_empty()) {
                return fail(format!("csv row {row}"));
            }
            let page = support::unescape(&String::from_utf8_lossy(
                &files[&format!("requests/{id}/index.html")],
            ));
            for word in [
                "Approved",
                "Rejected",
                "Withdrawn",
                "Scheduled",
                "Implemented",
            ] {
                if page.contains(word) {
                    return fail(format!("{word} on the page of {id}"));
                }
            }
            let listed: BTreeMap<&str, bool> = [
                "decided",
                "scheduled",
                "implemented",
                "rejected",
                "withdrawn",
            ]
            .iter()
            .map(|s| {
                let path = format!("status/{s}/index.html");
                let on = files.get(&path).is_some_and(|b| {
                    String::from_utf8_lossy(b).contains(&format!("/requests/{id}/"))
                });
                (*s, on)
            })
            .collect();
            if listed.iter().any(|(s, on)| *on != (*s == "decided")) {
                return fail(format!("{id} listed under {listed:?}"));
            }
            Ok(())
        },
    );
    if let Err(e) = result {
        panic!("{e}");
    }
}
