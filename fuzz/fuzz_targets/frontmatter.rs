//! `register::frontmatter::split` on arbitrary text: never panics, and the
//! offsets it returns point at the very slices it returns.

#![no_main]

use libfuzzer_sys::fuzz_target;
use register::fuzzing::split;

fuzz_target!(|text: &str| {
    match split(text) {
        Ok(s) => {
            assert!(s.toml_offset <= s.body_offset && s.body_offset <= text.len());
            assert_eq!(&text[s.toml_offset..s.toml_offset + s.toml.len()], s.toml);
            assert_eq!(&text[s.body_offset..], s.body);
            // The front matter is opened by a `+++` line and closed by one.
            assert!(text[..s.toml_offset].trim_end().ends_with("+++"));
            assert!(
                text[s.toml_offset + s.toml.len()..s.body_offset]
                    .trim_end()
                    .ends_with("+++")
            );
        }
        Err(e) => {
            assert!(e.offset <= text.len());
            assert!(!e.message.is_empty() && !e.help.is_empty());
        }
    }
});
