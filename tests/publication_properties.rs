//! Publication safety, property-based (issue 3, part 1).
//!
//! Random *valid* content folders are generated: requests of every
//! classification, written in any case with or without the `TLP:` prefix;
//! drafts; folder records with attachments (and hidden files); marked
//! passages of every colour, lower-case labels, in lists, nested and next to
//! each other; interim and final decisions of every colour on public and
//! withheld requests; `related` ids and `[text](@ID)`, `[text](@ID/report)`
//! and reference-style record links pointing anywhere. Every place that must
//! not be published carries a unique *withheld canary* (`WCAN…`): withheld
//! titles, bodies, organisations, notes, `[extra]`, passages, decision
//! bodies, SC versions of withheld approvals, attachment names and contents,
//! the personal data (name, phone, e-mail) of every request, public ones
//! included — and the ids of withheld requests themselves (`WH-<n>-<random>`).
//! Every place that must be published carries a *public canary* (`PCAN…`).
//!
//! Each folder is built in process (`pipeline::render_site`, all files in
//! memory) and, for about one case in eight, with the real binary into a
//! temporary folder too (whose files must then be the same bytes). Every
//! byte of every output file and every output path is searched, raw and with
//! character references decoded, case-insensitively, for every withheld
//! canary; every public canary must be found somewhere, so the filter cannot
//! pass by publishing nothing. Statuses, decisions and `related` in
//! `register.json` are checked against what the generator knows is public.
//!
//! The default is 128 generated sites (about 15-20 s in a debug build). Set the standard
//! `PROPTEST_CASES` for a longer local run, e.g.
//!
//! ```text
//! PROPTEST_CASES=5000 cargo test --release --test publication_properties -- --nocapture
//! ```
//!
//! Each test prints how many cases and canaries it checked (shown with
//! `--nocapture`).

mod support;

use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use register::date::Date;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use support::{Files, Haystack, build_bin, build_in_process, leaks, tree, write};

/// The build date of every generated site.
const TODAY: &str = "2026-06-15";

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
    Link { target: usize, report: bool },
    RefLink { target: usize, report: bool },
}

fn leaf() -> impl Strategy<Value = Leaf> {
    prop_oneof![
        3 => Just(Leaf::Para),
        1 => Just(Leaf::Heading),
        2 => (0..64usize, any::<bool>()).prop_map(|(target, report)| Leaf::Link { target, report }),
        1 => (0..64usize, any::<bool>()).prop_map(|(target, report)| Leaf::RefLink { target, report }),
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
    extra: bool,
    body: Vec<Block>,
}

fn decision() -> impl Strategy<Value = DecisionPlan> {
    (
        label(),
        0..3u8,
        0..6u8,
        any::<bool>(),
        any::<bool>(),
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
    /// Folder record with this many attachments (and a hidden file).
    folder: Option<u8>,
    submitted: u16,
    related: Vec<usize>,
    interims: Vec<DecisionPlan>,
    final_decision: DecisionPlan,
    body: Vec<Block>,
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
            prop::option::weighted(0.35, 0..3u8),
            0..1500u16,
            prop::collection::vec(0..64usize, 0..3),
            prop::collection::vec(decision(), 0..3),
            decision(),
            body(),
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
                (folder, submitted, related, interims, final_decision, body),
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
            },
        )
}

#[derive(Debug, Clone)]
struct SitePlan {
    seed: u64,
    via_binary: bool,
    requests: Vec<RequestPlan>,
}

fn site() -> impl Strategy<Value = SitePlan> {
    (
        any::<u64>(),
        prop::bool::weighted(0.125),
        prop::collection::vec(request(), 1..7),
    )
        .prop_map(|(seed, via_binary, requests)| SitePlan {
            seed,
            via_binary,
            requests,
        })
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
}

impl Canaries {
    fn new(seed: u64) -> Canaries {
        Canaries {
            state: seed,
            ..Canaries::default()
        }
    }

    /// Six random upper-case letters (splitmix64).
    fn letters(&mut self) -> String {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        (0..6)
            .map(|i| char::from(b'A' + ((z >> (i * 8)) % 26) as u8))
            .collect()
    }

    /// A unique canary, noted as public or withheld.
    fn next(&mut self, public: bool) -> String {
        self.n += 1;
        let (n, letters) = (self.n, self.letters());
        let c = format!("{}{n:04}{letters}", if public { "PCAN" } else { "WCAN" });
        self.note(public, c.clone());
        c
    }

    fn note(&mut self, public: bool, c: String) {
        if public {
            self.public.push(c);
        } else {
            self.withheld.push(c);
        }
    }
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

struct Writer<'a> {
    canaries: Canaries,
    known: &'a [Known],
    refs: u32,
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

    fn leaf(&mut self, leaf: &Leaf, visible: bool, indent: &str, out: &mut String) {
        let c = self.canaries.next(visible);
        match leaf {
            Leaf::Para => {
                let _ = writeln!(out, "{indent}Some *text* {c} and `code`.");
            }
            Leaf::Heading => {
                let _ = writeln!(out, "{indent}## Further {c}");
            }
            Leaf::Link { target, report } => {
                let dest = self.target(*target, *report);
                let _ = writeln!(out, "{indent}See [{c}]({dest}) for more.");
            }
            Leaf::RefLink { target, report } => {
                let dest = self.target(*target, *report);
                self.refs += 1;
                let r = self.refs;
                let _ = writeln!(out, "{indent}See [{c}][ref-{r}] too.\n");
                let _ = writeln!(out, "{indent}[ref-{r}]: {dest}");
            }
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

/// Writes the content folder of `plan` under `root`; returns what is known
/// of each request and every canary handed out.
fn write_site(plan: &SitePlan, root: &std::path::Path) -> (Vec<Known>, Canaries) {
    let mut canaries = Canaries::new(plan.seed);
    // Ids first: every link and `related` entry needs them all.
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
        known[i].related = related
            .iter()
            .map(|&t| known[t].id.clone())
            .collect::<Vec<_>>();
    }
    let mut w = Writer {
        canaries,
        known: &known,
        refs: 0,
    };
    let content = root.join("content");
    write(
        &content,
        "site.toml",
        "title = \"Property register\"\nbase_url = \"https://register.example.org\"\n",
    );
    let decision_headings = ["Summary", "Decision and reasons"];
    let mut withheld_interims = 0i64;
    for (i, r) in plan.requests.iter().enumerate() {
        let k = &known[i];
        let public = k.public;
        let mut t = String::from("+++\n");
        let _ = writeln!(t, "id = {}", toml_str(&k.id));
        let _ = writeln!(
            t,
            "type = {}",
            toml_str(if r.refurbishment {
                "refurbishment-use-case"
            } else {
                "sc-modification"
            })
        );
        let _ = writeln!(t, "title = \"Title {}\"", w.canaries.next(public));
        let _ = writeln!(t, "classification = {}", toml_str(&r.label.text(false)));
        let submitted = i64::from(r.submitted);
        let _ = writeln!(t, "submitted = {}", date(submitted));
        if !r.refurbishment || r.personal[0] {
            t.push_str("reasons = [\"lessons-learned\", \"new-equipment\"]\n");
        }
        t.push_str("devices = [\"ESME\", \"HCALCS\"]\naffected_scs = [\"DEV 3.2\"]\n");
        let _ = writeln!(
            t,
            "affected_scs_reason = \"Because {}\"",
            w.canaries.next(public)
        );
        let _ = writeln!(
            t,
            "requires_new_sc = true\nrequires_new_sc_reason = \"Since {}\"",
            w.canaries.next(public)
        );
        if r.urgent {
            let _ = writeln!(
                t,
                "urgent = true\nurgent_reason = \"Now {}\"",
                w.canaries.next(public)
            );
        }
        if !k.related.is_empty() {
            let ids: Vec<String> = k.related.iter().map(|id| toml_str(id)).collect();
            let _ = writeln!(t, "related = [{}]", ids.join(", "));
        }
        if r.draft {
            t.push_str("draft = true\n");
        }
        // Personal data: never published, public record or not.
        t.push_str("\n[proposer]\n");
        let _ = writeln!(t, "organisation = \"Org {}\"", w.canaries.next(public));
        if r.personal[1] {
            let _ = writeln!(t, "name = \"A. {}\"", w.canaries.next(false));
        }
        if r.personal[2] {
            w.canaries.n += 1;
            let phone = format!("+44 1632 9{:05}", w.canaries.n);
            w.canaries.note(false, phone.clone());
            let _ = writeln!(t, "phone = {}", toml_str(&phone));
        }
        if r.personal[3] {
            let email = format!("{}@example.org", w.canaries.next(false).to_lowercase());
            w.canaries.note(false, email.clone());
            let _ = writeln!(t, "email = {}", toml_str(&email));
        }
        if r.sponsor || r.last_stage > 0 {
            t.push_str("\n[sponsor]\n");
            let _ = writeln!(t, "sec_party = \"Party {}\"", w.canaries.next(public));
            if r.personal[4] {
                let _ = writeln!(t, "name = \"B. {}\"", w.canaries.next(false));
                let email = format!("{}@example.net", w.canaries.next(false).to_lowercase());
                w.canaries.note(false, email.clone());
                let _ = writeln!(t, "email = {}", toml_str(&email));
                w.canaries.n += 1;
                let phone = format!("020 7946 {:04}", w.canaries.n);
                w.canaries.note(false, phone.clone());
                let _ = writeln!(t, "phone = {}", toml_str(&phone));
            }
        }
        if !public {
            let _ = writeln!(t, "\n[extra]\nnote = \"{}\"", w.canaries.next(false));
        }
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
        let mut day = submitted;
        for (n, s) in stages.iter().enumerate() {
            if n > 0 {
                day += 10;
            }
            let _ = writeln!(t, "\n[[history]]\ndate = {}\nstage = \"{s}\"", date(day));
            if r.notes {
                let _ = writeln!(t, "note = \"Noted {}\"", w.canaries.next(public));
            }
        }
        let decided_day = day;
        // A folder record lists its attachments: every file but the hidden one.
        let mut attachments = Vec::new();
        for _ in 0..r.folder.unwrap_or(0) {
            let name = format!("{}.txt", w.canaries.next(public).to_lowercase());
            let inside = w.canaries.next(public);
            let _ = writeln!(
                t,
                "\n[[attachments]]\nfile = {}\ntitle = \"Evidence {}\"\nclassification = \"TLP:CLEAR\"",
                toml_str(&name),
                w.canaries.next(public)
            );
            attachments.push((name, inside));
        }
        t.push_str("+++\n");
        let body = w.body(
            &r.body,
            &["Issue", "Why it needs addressing", "Proposed solution"],
            public,
        );
        t.push_str(&body);
        match r.folder {
            Some(_) => {
                let dir = format!("requests/{}", k.id);
                write(&content, &format!("{dir}/index.md"), &t);
                for (name, inside) in &attachments {
                    write(&content, &format!("{dir}/{name}"), format!("{inside}\n"));
                }
                // Hidden files are never published.
                let hidden = format!(".{}", w.canaries.next(false).to_lowercase());
                let inside = w.canaries.next(false);
                write(&content, &format!("{dir}/{hidden}"), format!("{inside}\n"));
            }
            None => {
                write(&content, &format!("requests/{}.md", k.id), &t);
            }
        }
        // Decisions: interims dated on the way, the final on `decided`.
        let mut decisions: Vec<(String, &DecisionPlan, bool, i64)> = r
            .interims
            .iter()
            .enumerate()
            .map(|(n, d)| {
                let day = submitted + (decided_day - submitted) * (n as i64) / 3;
                (format!("{}-interim-{}", k.id, n + 1), d, false, day)
            })
            .collect();
        if k.has_final {
            decisions.push((
                format!("{}-final", k.id),
                &r.final_decision,
                true,
                decided_day,
            ));
        }
        for (file, d, is_final, mut day) in decisions {
            let visible = public && d.label.public();
            if !visible && !is_final {
                // A withheld interim decision's dates are canaries too: days
                // of late 2025 that no other date of the site uses (public
                // dates run 2020-2024; implementation dates are the 1st).
                withheld_interims += 1;
                day = date_offset(2025, 7, 2) + 3 * withheld_interims;
                w.canaries.note(false, date(day).to_string());
                if d.panel_notified {
                    w.canaries.note(false, date(day + 1).to_string());
                }
            }
            let mut t = String::from("+++\n");
            let _ = writeln!(t, "request = {}", toml_str(&k.id));
            let _ = writeln!(t, "classification = {}", toml_str(&d.label.text(false)));
            let _ = writeln!(t, "date = {}", date(day));
            let outcome = if is_final {
                ["approved", "rejected", "withdrawn"][d.outcome as usize % 3]
            } else {
                ["progressed", "returned", "deferred"][d.outcome as usize % 3]
            };
            let _ = writeln!(
                t,
                "kind = \"{}\"\noutcome = \"{outcome}\"",
                if is_final { "final" } else { "interim" }
            );
            if outcome == "approved" {
                let version = if visible {
                    format!("1.{}", d.version)
                } else {
                    // A withheld approval's SC version is a canary too.
                    w.canaries.n += 1;
                    let v = format!("{}.{:03}", 900 + w.canaries.n % 100, w.canaries.n % 1000);
                    w.canaries.note(false, v.clone());
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
            if d.panel_notified {
                let notified = if !visible && !is_final {
                    day + 1
                } else {
                    day + 3
                };
                let _ = writeln!(t, "panel_notified = {}", date(notified));
            }
            if d.extra && !visible {
                let _ = writeln!(t, "\n[extra]\nnote = \"{}\"", w.canaries.next(false));
            }
            t.push_str("+++\n");
            let body = w.body(&d.body, &decision_headings, visible);
            t.push_str(&body);
            write(&content, &format!("decisions/{file}.md"), &t);
        }
    }
    let canaries = w.canaries;
    (known, canaries)
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
    files_scanned: usize,
    bytes_scanned: usize,
}

fn fail(message: String) -> Result<(), TestCaseError> {
    Err(TestCaseError::fail(message))
}

fn check_files(
    files: &Files,
    known: &[Known],
    canaries: &Canaries,
    what: &str,
) -> Result<(), TestCaseError> {
    let hay = Haystack::new(files);
    let found = leaks(&hay, &canaries.withheld);
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
    for k in known.iter().filter(|k| k.public) {
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
    }
    // register.json: exactly the public requests, with the right status,
    // public decisions only and public `related` ids only.
    let json: serde_json::Value = serde_json::from_slice(&files["register.json"])
        .map_err(|e| TestCaseError::fail(format!("register.json: {e}")))?;
    let requests = json["requests"].as_array().cloned().unwrap_or_default();
    let ids: BTreeSet<&str> = requests.iter().filter_map(|r| r["id"].as_str()).collect();
    let expected: BTreeSet<&str> = known
        .iter()
        .filter(|k| k.public)
        .map(|k| k.id.as_str())
        .collect();
    if ids != expected {
        return fail(format!(
            "{what}: register.json has {ids:?}, expected {expected:?}"
        ));
    }
    let public_ids: BTreeSet<&str> = expected.clone();
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
            .filter(|x| public_ids.contains(x))
            .collect();
        if related != want {
            return fail(format!(
                "{what}: {id} related {related:?}, expected {want:?}"
            ));
        }
    }
    // register.csv: one row per public request, in id order.
    let csv = String::from_utf8_lossy(&files["register.csv"]).into_owned();
    let rows: BTreeSet<&str> = csv
        .lines()
        .skip(1)
        .filter_map(|l| l.split(',').next())
        .collect();
    if rows != expected {
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

fn check_site(plan: &SitePlan, tally: &mut Tally) -> Result<(), TestCaseError> {
    let tmp = tempfile::tempdir().expect("temp dir");
    let root = tmp.path().join("site");
    let (known, canaries) = write_site(plan, &root);
    let content = root.join("content");
    let files = build_in_process(&content, today());
    check_files(&files, &known, &canaries, "in process")?;
    tally.cases += 1;
    tally.requests += known.len();
    tally.public_requests += known.iter().filter(|k| k.public).count();
    tally.decisions += plan
        .requests
        .iter()
        .map(|r| r.interims.len() + usize::from(r.last_stage == 4))
        .sum::<usize>();
    tally.withheld_canaries += canaries.withheld.len();
    tally.public_canaries += canaries.public.len();
    tally.files_scanned += files.len();
    tally.bytes_scanned += files.values().map(Vec::len).sum::<usize>();
    if plan.via_binary {
        let out = tmp.path().join("public");
        let run = build_bin(&content, &out, TODAY);
        if run.code != 0 {
            return fail(format!(
                "register build exited {}: {}",
                run.code, run.stderr
            ));
        }
        let mut disk = tree(&out);
        if disk.remove(register::output::MARKER).is_none() {
            return fail("the output has no marker file".to_string());
        }
        check_files(&disk, &known, &canaries, "register build")?;
        if disk != files {
            let a: BTreeSet<&String> = disk.keys().collect();
            let b: BTreeSet<&String> = files.keys().collect();
            return fail(format!(
                "the binary and the in-process build differ: only on disk {:?}, only in memory {:?}",
                a.difference(&b).collect::<Vec<_>>(),
                b.difference(&a).collect::<Vec<_>>()
            ));
        }
        tally.binary_builds += 1;
        tally.files_scanned += disk.len();
    }
    Ok(())
}

#[test]
fn generated_sites_publish_every_public_canary_and_no_withheld_one() {
    let config = config(128);
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
         {} withheld canaries absent, {} public canaries present; \
         {} output files ({} bytes) scanned",
        t.cases,
        t.binary_builds,
        t.requests,
        t.public_requests,
        t.decisions,
        t.withheld_canaries,
        t.public_canaries,
        t.files_scanned,
        t.bytes_scanned
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
    }];
    let result = runner.run(&(body(), any::<u64>()), |(blocks, seed)| {
        let mut w = Writer {
            canaries: Canaries::new(seed),
            known: &known,
            refs: 0,
        };
        let text = w.body(&blocks, &["Issue"], true);
        let marked = register::passages::strip(&text);
        if !marked.problems.is_empty() {
            return fail(format!("problems {:?} in\n{text}", marked.problems));
        }
        let lower = marked.public.to_ascii_lowercase();
        for c in &w.canaries.withheld {
            if lower.contains(&c.to_ascii_lowercase()) {
                return fail(format!("{c} survived in\n{}", marked.public));
            }
        }
        for c in &w.canaries.public {
            if !marked.public.contains(c.as_str()) {
                return fail(format!("{c} was lost from\n{}", marked.public));
            }
        }
        if lower.contains("<!--") {
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
            let tlp = register::classification::Tlp::parse(&text);
            let expected = register::classification::Tlp::parse(COLOURS[l.colour]);
            if tlp.is_none() || tlp != expected {
                return fail(format!("{text:?} read as {tlp:?}"));
            }
            if register::classification::is_public_label(&text) != l.public() {
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
            let (known, canaries) = write_site(&plan, &root);
            let files = build_in_process(&root.join("content"), today());
            check_files(&files, &known, &canaries, "in process")?;
            let id = &known[0].id;
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
