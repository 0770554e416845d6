//! `register::screen` on arbitrary text around a canary: a declared name
//! (`Wilfred Ashby`), a withheld id (`HID-1`), an e-mail address and a
//! telephone number, each written as a whole word between spaces anywhere
//! in arbitrary text, are always found, whatever the text around them
//! holds (invisible characters, references, look-alikes, other findings);
//! and no finding is placed outside the text or inside a character.

#![no_main]

use libfuzzer_sys::fuzz_target;
use register::fuzzing::{DeclaredValue, Finding, Scope, Screen, scan_as_read};
use std::path::PathBuf;
use std::sync::LazyLock;

static SCREEN: LazyLock<Screen> = LazyLock::new(|| {
    let declared = DeclaredValue {
        file: PathBuf::from("requests/HID-1.md"),
        table: "proposer",
        key: "name",
        value: "Wilfred Ashby".to_string(),
    };
    Screen::new(vec!["HID-1".to_string()], vec![declared], &[])
});

const CANARIES: [&str; 4] = [
    "Wilfred Ashby",
    "HID-1",
    "jo.bloggs@example.com",
    "01632 960123",
];

fn found(findings: &[Finding], canary: usize) -> bool {
    findings.iter().any(|f| match (canary, f) {
        (0, Finding::Declared { .. }) => true,
        (1, Finding::WithheldId { id, .. }) => id == "HID-1",
        (2, Finding::Email { .. }) | (3, Finding::Phone { .. }) => true,
        _ => false,
    })
}

fuzz_target!(|input: (u8, bool, &str, &str)| {
    let (which, html, before, after) = input;
    let canary = usize::from(which) % CANARIES.len();
    let text = format!("{before} {} {after}", CANARIES[canary]);
    let findings = scan_as_read(&SCREEN, &text, Scope::ALL, html);
    for f in &findings {
        assert!(text.is_char_boundary(f.at()), "{f:?} in {text:?}");
    }
    assert!(found(&findings, canary), "{} not found in {text:?}", CANARIES[canary]);
});
