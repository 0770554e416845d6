//! Traffic Light Protocol labels and the one question that matters about
//! them: may this be published?

use std::fmt;

/// A TLP label as the SEC Panel Information Policy uses them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tlp {
    /// TLP:CLEAR: public.
    Clear,
    /// TLP:WHITE, the older name for CLEAR: public.
    White,
    /// TLP:GREEN: community only.
    Green,
    /// TLP:AMBER: limited disclosure.
    Amber,
    /// TLP:AMBER+STRICT: the organisation only.
    AmberStrict,
    /// TLP:RED: named recipients only.
    Red,
}

impl Tlp {
    /// Reads a label case-insensitively, with or without the `TLP:` prefix.
    /// Anything else is `None`, which the filter treats as withheld.
    pub fn parse(label: &str) -> Option<Tlp> {
        let label = label.trim();
        let bare = match label.get(..4) {
            Some(p) if p.eq_ignore_ascii_case("tlp:") => label[4..].trim_start(),
            _ => label,
        };
        let all = [
            ("CLEAR", Tlp::Clear),
            ("WHITE", Tlp::White),
            ("GREEN", Tlp::Green),
            ("AMBER", Tlp::Amber),
            ("AMBER+STRICT", Tlp::AmberStrict),
            ("RED", Tlp::Red),
        ];
        all.iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(bare))
            .map(|&(_, tlp)| tlp)
    }

    /// True only for CLEAR and WHITE.
    pub fn is_public(self) -> bool {
        matches!(self, Tlp::Clear | Tlp::White)
    }
}

/// True only when `label` is a CLEAR or WHITE label: the fail-closed test.
pub fn is_public_label(label: &str) -> bool {
    Tlp::parse(label).is_some_and(Tlp::is_public)
}

impl fmt::Display for Tlp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Tlp::Clear => "TLP:CLEAR",
            Tlp::White => "TLP:WHITE",
            Tlp::Green => "TLP:GREEN",
            Tlp::Amber => "TLP:AMBER",
            Tlp::AmberStrict => "TLP:AMBER+STRICT",
            Tlp::Red => "TLP:RED",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_in_any_case_with_or_without_prefix() {
        for l in [
            "WHITE",
            "white",
            "TLP:WHITE",
            "tlp:white",
            "Tlp:Clear",
            "TLP: CLEAR",
        ] {
            assert!(is_public_label(l), "{l}");
        }
        for l in [
            "GREEN",
            "tlp:amber",
            "AMBER+STRICT",
            "tlp:amber+strict",
            "RED",
        ] {
            assert!(Tlp::parse(l).is_some(), "{l}");
            assert!(!is_public_label(l), "{l}");
        }
        for l in [
            "",
            "TLP:",
            "WHITEISH",
            "PUBLIC",
            "TLP:WHITE:RED",
            "AMBER STRICT",
        ] {
            assert!(Tlp::parse(l).is_none(), "{l}");
            assert!(!is_public_label(l), "{l}");
        }
    }
}
