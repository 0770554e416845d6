//! `register::record::parse` on a record file made of arbitrary text, as a
//! request or a decision: never panics, every diagnostic is located inside
//! the file, and a record is only returned with the fields it claims.

#![no_main]

use libfuzzer_sys::fuzz_target;
use register::fuzzing::{RecordKind, SourceFile};
use register::fuzzing::{Record, parse};
use std::path::PathBuf;

fuzz_target!(|data: &[u8]| {
    let Some((&first, rest)) = data.split_first() else {
        return;
    };
    let kind = if first & 1 == 0 {
        RecordKind::Request
    } else {
        RecordKind::Decision
    };
    // Valid UTF-8 only, as `load` guarantees; give the fuzzer a head start
    // with a fence when asked, so it reaches the TOML and field checks.
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let text = if first & 2 == 0 {
        text.to_string()
    } else {
        format!("+++\n{text}")
    };
    let lines = text.split('\n').count();
    let file = SourceFile {
        path: PathBuf::from("requests/FUZZ.md"),
        kind,
        text,
        folder: None,
    };
    let extra_devices = ["IHD".to_string()];
    let parsed = parse(file, &extra_devices);
    let (record, diagnostics) = (parsed.record, parsed.diagnostics);
    for d in &diagnostics {
        assert!(d.line >= 1 && d.line <= lines, "line {} of {lines}", d.line);
        assert!(d.column >= 1);
        assert!(!d.message.as_str().is_empty());
    }
    match record {
        Some(Record::Request(r)) => {
            assert_eq!(kind, RecordKind::Request);
            assert!(!r.title.is_empty());
            assert!(!r.history.is_empty());
            let _ = r.origin.body();
        }
        Some(Record::Decision(d)) => {
            assert_eq!(kind, RecordKind::Decision);
            let _ = d.origin.body();
        }
        None => assert!(
            diagnostics.iter().any(|d| d.is_error()),
            "no record and no error"
        ),
    }
});
