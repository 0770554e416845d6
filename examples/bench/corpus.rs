//! A synthetic register for benchmarks: N requests with realistic bodies
//! (headings, lists, tables, links), about 0.6 N decisions, and about 30 %
//! of the material withheld in the ways real registers withhold it.

use std::fmt::Write as _;
use std::path::Path;

/// A small deterministic generator, so every run builds the same corpus.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.below(xs.len() as u64) as usize]
    }
}

const DEVICES: &[&str] = &["ESME", "GSME", "CH", "HCALCS", "PPMID"];
const REASONS: &[&str] = &[
    "new-risk-mitigations",
    "specification-changes",
    "standards-changes",
    "lessons-learned",
    "business-needs",
    "new-equipment",
    "sec-modifications",
];
const WORDS: &[&str] = &[
    "firmware",
    "signing",
    "evidence",
    "mitigation",
    "evaluation",
    "laboratory",
    "Device",
    "key",
    "rotation",
    "tamper",
    "HAN",
    "pairing",
    "credential",
    "certificate",
    "supplier",
    "assurance",
    "threat",
    "requirement",
    "deployment",
    "verification",
    "refurbishment",
    "Communications",
    "Hub",
    "meter",
    "update",
    "image",
    "rollback",
    "counter",
    "secure",
    "boot",
    "debug",
    "interface",
    "locked",
    "production",
    "random",
    "entropy",
    "source",
];
const STAGES: &[&str] = &[
    "submitted",
    "triage",
    "ncsc-review",
    "refinement",
    "decided",
];

fn sentence(rng: &mut Rng, words: usize) -> String {
    let mut s = String::new();
    for i in 0..words {
        if i > 0 {
            s.push(' ');
        }
        s.push_str(rng.pick(WORDS));
    }
    s.push('.');
    s
}

fn id(i: usize) -> String {
    format!("SCMR-{}-{:05}", 2019 + i % 8, i)
}

fn date(year: usize, day: usize) -> String {
    let month = 1 + (day / 28) % 12;
    let d = 1 + day % 28;
    format!("{year}-{month:02}-{d:02}")
}

fn body(rng: &mut Rng, i: usize, n: usize) -> String {
    let mut b = String::with_capacity(2800);
    let other = id(rng.below(n as u64) as usize);
    let _ = write!(
        b,
        "## Issue\n\n{} {} See [the earlier request](@{other}) for background.\n\n",
        sentence(rng, 18),
        sentence(rng, 14)
    );
    b.push_str("- ");
    b.push_str(&sentence(rng, 9));
    b.push_str("\n- ");
    b.push_str(&sentence(rng, 11));
    b.push_str("\n- ");
    b.push_str(&sentence(rng, 7));
    b.push_str("\n\n## Why it needs addressing\n\n");
    b.push_str(&sentence(rng, 30));
    b.push(' ');
    b.push_str(&sentence(rng, 24));
    b.push_str("\n\n| Mitigation | Today | Proposed |\n|---|---|---|\n");
    for _ in 0..4 {
        let _ = writeln!(
            b,
            "| DEV {}.{} | {} | {} |",
            rng.below(9) + 1,
            rng.below(9) + 1,
            sentence(rng, 4),
            sentence(rng, 5)
        );
    }
    if i % 10 == 3 {
        b.push_str("\n<!-- TLP:AMBER -->\nWithheld detail of the attack path: ");
        b.push_str(&sentence(rng, 20));
        b.push_str("\n<!-- /TLP -->\n");
    }
    b.push_str("\n## Proposed solution\n\n");
    b.push_str(&sentence(rng, 28));
    b.push_str("\n\n1. ");
    b.push_str(&sentence(rng, 12));
    b.push_str("\n2. ");
    b.push_str(&sentence(rng, 12));
    b.push_str("\n3. ");
    b.push_str(&sentence(rng, 12));
    b.push_str("\n\n");
    while b.len() < 2600 {
        b.push_str(&sentence(rng, 16));
        b.push(' ');
    }
    b.push('\n');
    b
}

/// Writes a content folder with `n` requests under `dir` (which must not
/// exist yet). Returns (requests, decisions) written.
pub fn generate(dir: &Path, n: usize) -> std::io::Result<(usize, usize)> {
    let requests = dir.join("requests");
    let decisions = dir.join("decisions");
    std::fs::create_dir_all(&requests)?;
    std::fs::create_dir_all(&decisions)?;
    std::fs::write(
        dir.join("site.toml"),
        "title = \"Benchmark register\"\nbase_url = \"https://bench.example.org\"\n",
    )?;
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut decision_count = 0;
    for i in 0..n {
        let year = 2019 + i % 8;
        let start = (i * 7) % 200;
        // About 30 % withheld: 20 % whole records in non-public colours or
        // drafts, plus withheld decisions and passages below.
        let classification = match i % 20 {
            0 | 1 => "TLP:AMBER",
            2 => "green",
            3 => "TLP:RED",
            _ => "TLP:WHITE",
        };
        let draft = i % 20 == 4;
        // Stage reached: decided for ~60 %.
        let reached = [4, 4, 4, 4, 4, 4, 0, 1, 2, 3][i % 10];
        let mut fm = String::new();
        let _ = write!(
            fm,
            "+++\nid = \"{}\"\ntype = \"sc-modification\"\ntitle = \"{}\"\nclassification = \"{classification}\"\n\
             submitted = {}\nreasons = [\"{}\"]\ndevices = [\"{}\", \"{}\"]\naffected_scs = [\"DEV {}.{}\"]\n\
             related = [\"{}\"]\ndraft = {draft}\n\n[proposer]\norganisation = \"Bench Devices Ltd\"\n\
             name = \"Person {i}\"\nemail = \"person{i}@example.com\"\n\n[sponsor]\nsec_party = \"Bench Energy plc\"\n",
            id(i),
            sentence(&mut rng, 8).trim_end_matches('.'),
            date(year, start),
            rng.pick(REASONS),
            DEVICES[i % 5],
            DEVICES[(i + 2) % 5],
            1 + i % 9,
            1 + i % 7,
            id((i + 1) % n),
        );
        for (s, stage) in STAGES.iter().enumerate().take(reached.min(4) + 1) {
            let _ = write!(
                fm,
                "\n[[history]]\ndate = {}\nstage = \"{stage}\"\n",
                date(year, start + s * 10)
            );
        }
        fm.push_str("+++\n\n");
        fm.push_str(&body(&mut rng, i, n));
        std::fs::write(requests.join(format!("{}.md", id(i))), fm)?;
        if reached >= 4 {
            let outcome = ["approved", "approved", "rejected", "withdrawn"][i % 4];
            let decision_classification = if i % 13 == 0 {
                "TLP:AMBER"
            } else {
                "TLP:WHITE"
            };
            let mut d = format!(
                "+++\nrequest = \"{}\"\nclassification = \"{decision_classification}\"\ndate = {}\nkind = \"final\"\noutcome = \"{outcome}\"\n",
                id(i),
                date(year, start + 40)
            );
            if outcome == "approved" {
                let _ = write!(
                    d,
                    "sc_version = \"1.{}\"\nimplementation_date = {}\n",
                    year - 2018,
                    date(year + 1, 100)
                );
            }
            d.push_str("+++\n\n## Summary\n\n");
            d.push_str(&sentence(&mut rng, 40));
            d.push_str("\n\n## Decision and reasons\n\n");
            d.push_str(&sentence(&mut rng, 40));
            d.push('\n');
            std::fs::write(decisions.join(format!("{}-final.md", id(i))), d)?;
            decision_count += 1;
        }
    }
    Ok((n, decision_count))
}
