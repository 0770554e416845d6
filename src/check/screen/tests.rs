use super::*;

fn screen() -> Screen {
    let declared = |key, value: &str| DeclaredValue {
        file: PathBuf::from("requests/A-1.md"),
        table: "proposer",
        key,
        value: value.to_string(),
    };
    Screen::new(
        vec!["HID-2099-901".to_string()],
        vec![
            declared("name", "Wilfred Ashby"),
            declared("name", "A. Person"),
            declared("phone", "0161 496 0372"),
            declared("email", "wilfred.ashby@example.net"),
        ],
        &[
            "ssc@example.org".to_string(),
            "+44 20 7090 1000".to_string(),
        ],
    )
}

fn kinds(text: &str) -> Vec<String> {
    screen()
        .scan(text, Scope::ALL)
        .iter()
        .map(|f| match f {
            Finding::WithheldId { id, .. } => format!("id {id}"),
            Finding::WithheldFile { name, .. } => format!("file {name}"),
            Finding::Declared { value, .. } => format!("declared {value}"),
            Finding::Email { .. } => "email".to_string(),
            Finding::Phone { .. } => "phone".to_string(),
            Finding::Reordered { .. } => "reordered".to_string(),
        })
        .collect()
}

#[test]
fn declared_values_match_as_whole_words_however_separated() {
    for text in [
        "Ask Wilfred Ashby.",
        "wilfred-ashby.pdf",
        "WILFRED_ASHBY",
        "Wilfred\n  Ashby",
        "WilfredAshby",
    ] {
        assert_eq!(kinds(text), ["declared 0"], "{text}");
    }
    assert!(kinds("Wilfredo Ashbyson").is_empty());
    assert!(kinds("a person of interest").is_empty());
    assert_eq!(kinds("a.person wrote"), ["declared 1"]);
}

#[test]
fn declared_names_match_without_titles_notes_or_their_order() {
    let names = [
        "Dr Zoë O’Brien (CTO)",
        "Ashby, Wilfred",
        "Mary Smith-Jones.",
    ];
    let declared = names
        .iter()
        .map(|n| DeclaredValue {
            file: PathBuf::from("requests/A-1.md"),
            table: "proposer",
            key: "name",
            value: n.to_string(),
        })
        .collect();
    let screen = Screen::new(Vec::new(), declared, &[]);
    let found = |text: &str| -> Vec<usize> {
        let found = scan_as_read(&screen, text, Scope::ALL, false);
        found
            .iter()
            .filter_map(|f| match f {
                Finding::Declared { value, .. } => Some(*value),
                _ => None,
            })
            .collect()
    };
    for (text, who) in [
        ("By Zoe\u{308} O'Brien.", 0),
        ("By ZOË O’BRIEN.", 0),
        ("O'Brien, Zoë wrote", 0),
        ("By Wilfred Ashby today", 1),
        ("Ashby, Wilfred", 1),
        ("Wilfred.Ashby", 1),
        ("Wilfred\u{3164} Ashby\u{3164}", 1),
        ("Wilfred \u{2022} Ashby", 1),
        ("Mary Smith\u{2010}Jones", 2),
        ("Smith-Jones, Mary", 2),
    ] {
        assert_eq!(found(text), [who], "{text}");
    }
    for text in ["Zoë wrote", "Dr O'Brien", "Wilfred Ashbyson", "CTO"] {
        assert!(found(text).is_empty(), "{text}");
    }
}

#[test]
fn withheld_ids_and_contacts_are_found_and_public_contacts_pass() {
    assert_eq!(kinds("see HID-2099-901."), ["id HID-2099-901"]);
    assert!(kinds("see HID-2099-9010").is_empty());
    assert_eq!(kinds("mail a.b@example.com"), ["email"]);
    assert_eq!(kinds("mail a.b [at] example.com"), ["email"]);
    for address in [
        "a.b @ example.com",
        "a.b{at}example.com",
        "a.b at example dot com",
        "a.b@ex\u{e4}mple.com",
        "a.b@\u{4f8b}\u{3048}.jp",
    ] {
        assert_eq!(kinds(address), ["email"], "{address}");
    }
    assert!(kinds("mail SSC @ example.org today").is_empty());
    assert!(kinds("mail SSC@example.org today").is_empty());
    assert!(kinds("call 020 7090 1000").is_empty());
    assert_eq!(kinds("call 01632 960 123"), ["phone"]);
    assert_eq!(kinds("call +1 555 010 0199"), ["phone"]);
    // The declared phone, written without spaces: found as a telephone
    // number, and said to be the declared one.
    assert_eq!(kinds("01614960372"), ["declared 2"]);
    for number in [
        "0044 1632 960123",
        "01632 96 01 23",
        "(01632) 960 123",
        "+44 (0)1632 960123",
        "07700-900-123",
        "+1 (555) 010-0199",
        "07700 \u{2013} 900123",
        "07700_900123",
        "077 00 90 01 23",
        "0 7700 900 123",
        "\u{a0}07700 900123",
    ] {
        assert_eq!(kinds(&format!("call {number}.")), ["phone"], "{number}");
    }
    // A public contact point however written.
    for number in ["+44 (0)20 7090 1000", "0044 20 7090 1000", "020-7090-1000"] {
        assert!(kinds(number).is_empty(), "{number}");
    }
    // Dates, versions and mitigation references are not telephone numbers.
    assert!(kinds("On 2019-03-14 SC 1.3 changed DEV 3.2.1").is_empty());
}

#[test]
fn text_is_screened_as_a_reader_sees_it() {
    let s = screen();
    for text in [
        "Wilfred&nbsp;Ashby",
        "Wil\u{200b}fred Ashby",
        "Wil&shy;fred Ashby",
        "&#87;ilfred Ashby",
    ] {
        let found = scan_as_read(&s, text, Scope::ALL, true);
        assert_eq!(found.len(), 1, "{text}");
        assert_eq!(found[0].at(), 0, "{text}");
    }
    // Outside HTML an entity is shown as it is written.
    assert!(scan_as_read(&s, "Wilfred&nbsp;Ashby", Scope::ALL, false).is_empty());
    let found = scan_as_read(&s, "x \u{200b}HID-2099-901", Scope::ALL, false);
    assert_eq!(
        found,
        [Finding::WithheldId {
            at: 5,
            id: "HID-2099-901".into()
        }]
    );
}

#[test]
fn people_are_taken_apart_as_they_are_written() {
    let named =
        |value: &str| -> Vec<String> { people(value).iter().map(|p| p.join(" ")).collect() };
    assert_eq!(named("Wilfred Ashby, CTO"), ["Wilfred Ashby"]);
    assert_eq!(named("Ashby, Wilfred (CTO)"), ["Wilfred Ashby"]);
    assert_eq!(named("Cllr Wilfred Ashby MBE"), ["Wilfred Ashby"]);
    assert_eq!(named("Mr and Mrs Wilfred Ashby"), ["Wilfred Ashby"]);
    assert_eq!(
        named("Wilfred Ashby <wilfred@example.net>"),
        ["Wilfred Ashby"]
    );
    assert_eq!(
        named("Wilfred Ashby and Ann Other"),
        ["Wilfred Ashby", "Ann Other"]
    );
    assert_eq!(
        named("Wilfred Ashby, Ann Other"),
        ["Wilfred Ashby", "Ann Other"]
    );
    assert_eq!(named("Wilfred Ashby & Co"), ["Wilfred Ashby"]);
    assert_eq!(named("Madonna"), ["Madonna"]);
}

#[test]
fn telephone_runs_are_read_once_and_split_where_a_number_ends() {
    fn found(text: &str) -> Vec<&str> {
        phone_numbers(text).map(|(s, e)| &text[s..e]).collect()
    }
    assert_eq!(found("call 01632 960123 / 960124."), ["01632 960123"]);
    assert_eq!(found("ref 1 2 3 4 5 6 07700 900123"), ["07700 900123"]);
    assert_eq!(found("call 07700\n900123"), ["07700\n900123"]);
    assert!(found("cells 01\n\n02\n\n03\n\n04\n\n05\n\n06").is_empty());
    let zeros = "0 ".repeat(100_000);
    assert_eq!(found(&zeros).len(), 1);
    // Digits on lines of their own: the run ends at each second line
    // break at most, and no run is read twice.
    let lines = "0\n".repeat(200_000);
    let started = std::time::Instant::now();
    assert_eq!(found(&lines).len(), 1);
    assert!(started.elapsed() < std::time::Duration::from_secs(2));
    // Dates end a run; references of four-digit groups are no number.
    assert!(found("ran 01/02/2024 - 03/04/2024 and 2024-01-02 - 2024-03-04").is_empty());
    assert!(found("ref 0123/2024/0456, id 0123-4567-8901").is_empty());
    assert_eq!(found("on 01/02/2024 07700 900123"), ["07700 900123"]);
    assert_eq!(date_at(b"31/12/2025"), Some(10));
    assert_eq!(date_at(b"01.02.24 x"), Some(8));
    assert_eq!(date_at(b"2024-06-01"), Some(10));
    assert_eq!(date_at(b"01-02-24"), None);
    assert_eq!(date_at(b"01.23.45"), None);
}

#[test]
fn search_index_words_never_make_a_declared_name_with_their_neighbours() {
    let s = screen();
    assert_eq!(s.index_words("Ashby;Wilfred;to;went"), "Wilfred;to;went");
    assert_eq!(s.index_words("2.0;DEV;Issue"), "2.0;DEV;Issue");
}

#[test]
fn scopes_limit_what_is_looked_for() {
    let s = screen();
    let none = Scope {
        ids: false,
        contacts: false,
    };
    assert!(s.scan("HID-2099-901 a@b.org", none).is_empty());
    assert_eq!(s.scan("by Wilfred Ashby", none).len(), 1);
}
