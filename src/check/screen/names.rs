//! The forms a declared name is found in: each person of a value, with
//! honorifics, roles and post-nominals set aside, given and family names
//! in either order, initials and nicknames.

use super::*;

/// Titles written before a name (`Dr Wilfred Ashby`, `Cllr …`): the
/// person is as named without them.
pub(super) const HONORIFICS: &[&str] = &[
    "dr",
    "mr",
    "mrs",
    "ms",
    "miss",
    "mx",
    "master",
    "prof",
    "professor",
    "sir",
    "dame",
    "lord",
    "lady",
    "rev",
    "revd",
    "reverend",
    "fr",
    "father",
    "cllr",
    "councillor",
    "hon",
    "rt",
    "the",
    "capt",
    "captain",
    "col",
    "colonel",
    "maj",
    "major",
    "lt",
    "sgt",
    "cdr",
    "gen",
    "judge",
    "baron",
    "baroness",
    "rabbi",
    "imam",
    "pastor",
    "bishop",
    "canon",
    "mayor",
    "herr",
    "frau",
    "mme",
    "mlle",
    "sr",
    "sra",
    "srta",
    "dott",
    "ing",
    "eng",
];

/// Letters and honours written after a name (`Wilfred Ashby MBE`, `…
/// Jr.`): the person is as named without them.
pub(super) const POST_NOMINALS: &[&str] = &[
    "jr", "jnr", "sr", "snr", "ii", "iii", "iv", "esq", "mbe", "obe", "cbe", "kbe", "dbe", "gbe",
    "frs", "freng", "phd", "dphil", "msc", "ma", "ba", "bsc", "beng", "meng", "mba", "llb", "llm",
    "md", "qc", "kc", "mp", "msp", "jp", "dl", "fca", "aca", "acca", "fcca", "ceng", "fiet",
    "miet", "fbcs", "mbcs", "cissp", "cisa", "cism", "rn", "bt", "frsa", "fcipd",
];

/// Words that say what a person does, not who they are: a part of a
/// declared name made only of them (`Wilfred Ashby, Chief Technology
/// Officer`) is a role, not another person.
pub(super) const ROLE_WORDS: &[&str] = &[
    "chief",
    "officer",
    "director",
    "head",
    "manager",
    "lead",
    "engineer",
    "consultant",
    "analyst",
    "president",
    "partner",
    "secretary",
    "chair",
    "chairman",
    "chairwoman",
    "ceo",
    "cto",
    "cfo",
    "coo",
    "ciso",
    "cio",
    "vp",
    "svp",
    "evp",
    "senior",
    "principal",
    "executive",
    "technical",
    "technology",
    "security",
    "information",
    "operations",
    "product",
    "programme",
    "program",
    "project",
    "compliance",
    "architect",
    "specialist",
    "adviser",
    "advisor",
    "representative",
    "deputy",
    "assistant",
    "associate",
    "general",
    "counsel",
    "group",
    "team",
    "member",
    "founder",
    "owner",
    "ltd",
    "limited",
    "plc",
    "inc",
    "llp",
    "company",
    "energy",
    "supply",
    "services",
];

/// The people a declared `name` names, each as the words of their name:
/// `Wilfred Ashby and Ann Other` (or `&`, `/`, `;`, `+`, a line break) is
/// two people; a part after a comma or a spaced dash is a role or
/// post-nominals (`Wilfred Ashby, CTO`, `… - CTO`), unless the value reads
/// family name first (`Ashby, Wilfred`) or the part is a name of its own;
/// a bracketed note (`(CTO)`) and an address (`<w@example.net>`) are left
/// out, and so are titles before a name and letters after it.
pub(super) fn people(value: &str) -> Vec<Vec<String>> {
    let plain = unbracketed(&normalised(value));
    let mut out = Vec::new();
    for part in parts_per_person(&plain) {
        names_in_part(&part, &mut out);
    }
    // A bracketed nickname: `William (Bill) Ashby` is also `Bill Ashby`.
    for nicknamed in nicknamed(&normalised(value)) {
        for part in parts_per_person(&nicknamed) {
            names_in_part(&part, &mut out);
        }
    }
    // A letter or two alone (`N/A`, `Wilfred Ashby & Co`) is nobody's name.
    out.retain(|p| p.len() > 1 || p.first().is_some_and(|w| w.chars().count() > 2));
    // A value that is one word, or only titles: searched as it is written.
    if out.is_empty() {
        out.push(plain.split_whitespace().map(str::to_string).collect());
    }
    out.retain(|p| !p.is_empty());
    out
}

/// For each bracketed nickname of `value` (one capitalised word that is
/// no title, role or letters: `William (Bill) Ashby`, `William Ashby
/// (Bill)`), the name with the nickname for the given name (`Bill
/// Ashby`).
pub(super) fn nicknamed(value: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(open) = value[from..].find('(').map(|i| from + i) {
        let Some(close) = value[open..].find(')').map(|i| open + i) else {
            break;
        };
        from = close + 1;
        let nick = value[open + 1..close].trim();
        let lower = nick.to_ascii_lowercase();
        let is_nick = nick.chars().count() > 1
            && nick.chars().all(char::is_alphabetic)
            && nick.chars().next().is_some_and(char::is_uppercase)
            && !ROLE_WORDS.contains(&lower.as_str())
            && !POST_NOMINALS.contains(&lower.as_str())
            && !HONORIFICS.contains(&lower.as_str());
        if !is_nick {
            continue;
        }
        let after = unbracketed(&value[close + 1..]);
        let family = if after.split_whitespace().next().is_some() {
            after
        } else {
            let before = unbracketed(&value[..open]);
            before
                .split_whitespace()
                .last()
                .unwrap_or_default()
                .to_string()
        };
        if !family.trim().is_empty() {
            out.push(format!("{nick} {}", family.trim()));
        }
    }
    out
}

/// `value` without its bracketed notes and addresses (`(CTO)`,
/// `<w@example.net>`), which are nobody's name.
pub(super) fn unbracketed(value: &str) -> String {
    let mut plain = String::with_capacity(value.len());
    let mut depth = 0usize;
    for c in value.chars() {
        match c {
            '(' | '[' | '<' | '{' => depth += 1,
            ')' | ']' | '>' | '}' => depth = depth.saturating_sub(1),
            c if depth == 0 => plain.push(c),
            _ => {}
        }
    }
    plain
}

/// `plain` cut where one person ends and the next begins (`and`, `with`,
/// `plus`, `&`, `/`, `;`...), each part's words joined by single spaces.
pub(super) fn parts_per_person(plain: &str) -> Vec<String> {
    let lowered = plain.replace(['&', '/', ';', '+', '\n', '|'], " and ");
    let mut parts: Vec<String> = vec![String::new()];
    for word in lowered.split_whitespace() {
        if ["and", "und", "with", "plus"]
            .iter()
            .any(|w| word.eq_ignore_ascii_case(w))
        {
            parts.push(String::new());
        } else {
            let last = parts.last_mut().expect("one part at least");
            if !last.is_empty() {
                last.push(' ');
            }
            last.push_str(word);
        }
    }
    parts
}

/// The names in one person's part of a value, added to `out`: the name
/// before a spaced dash or the first comma (turned round when the value
/// reads family name first), and any later comma part that is a name of
/// its own rather than a role.
pub(super) fn names_in_part(part: &str, out: &mut Vec<Vec<String>>) {
    // A spaced dash or a colon sets a role apart, after the name or
    // before it: `Wilfred Ashby - CTO`, `Security lead - Wilfred Ashby`,
    // `Head of Security: Wilfred Ashby`.
    let part = part.replace(" -- ", " - ").replace(':', " - ");
    let pieces: Vec<&str> = part.split(" - ").filter(|p| !p.trim().is_empty()).collect();
    let part = pieces
        .iter()
        .find(|p| !is_role(&tokens(p)))
        .or(pieces.first())
        .copied()
        .unwrap_or_default();
    let segments: Vec<Vec<String>> = part.split(',').map(tokens).collect();
    let Some(first) = segments.first() else {
        return;
    };
    let second = segments.get(1).filter(|s| !s.is_empty() && !is_role(s));
    let family_first = match second {
        // `Ashby, Wilfred`: family name first.
        Some(given) if first.len() == 1 => {
            let mut person = given.clone();
            person.extend(first.iter().cloned());
            out.push(person);
            true
        }
        _ => {
            out.push(first.clone());
            false
        }
    };
    // Another part that is a name of its own: `Wilfred Ashby, Ann Other`.
    let others = segments.iter().skip(if family_first { 2 } else { 1 });
    for other in others {
        let named = other.len() >= 2
            && !is_role(other)
            && other
                .iter()
                .all(|w| w.chars().next().is_some_and(char::is_uppercase));
        if named {
            out.push(other.clone());
        }
    }
}

/// The words of one person's name without the titles before it and the
/// letters after it; an address (`w@example.net`) is no part of it.
pub(super) fn tokens(part: &str) -> Vec<String> {
    let mut tokens: Vec<String> = part
        .split_whitespace()
        .filter(|w| !w.contains('@'))
        .map(str::to_string)
        .collect();
    let bare = |w: &str| {
        w.trim_matches(|c: char| !c.is_alphanumeric())
            .to_ascii_lowercase()
    };
    while tokens.len() > 1 && HONORIFICS.contains(&bare(&tokens[0]).as_str()) {
        tokens.remove(0);
    }
    while tokens.len() > 1
        && POST_NOMINALS.contains(&bare(tokens.last().expect("a token")).as_str())
    {
        tokens.pop();
    }
    // A role before the name: `CTO Wilfred Ashby`, `Head of Security
    // Wilfred Ashby`.
    let is_role_word = |w: &str| ROLE_WORDS.contains(&bare(w).as_str()) || bare(w) == "of";
    while tokens.len() > 2 && is_role_word(&tokens[0]) {
        tokens.remove(0);
        while tokens.len() > 1 && HONORIFICS.contains(&bare(&tokens[0]).as_str()) {
            tokens.remove(0);
        }
    }
    tokens.retain(|w| w.chars().any(char::is_alphanumeric));
    // A title alone (`Mr` of `Mr and Mrs Wilfred Ashby`) names nobody.
    if tokens.len() == 1 && HONORIFICS.contains(&bare(&tokens[0]).as_str()) {
        tokens.clear();
    }
    tokens
}

/// True when every word of `words` says what a person does.
pub(super) fn is_role(words: &[String]) -> bool {
    words.iter().all(|w| {
        let w = w
            .trim_matches(|c: char| !c.is_alphanumeric())
            .to_ascii_lowercase();
        ROLE_WORDS.contains(&w.as_str())
            || POST_NOMINALS.contains(&w.as_str())
            || w == "of"
            || w == "and"
    })
}

/// The forms in which a declared name is searched for, as words: for each
/// person it names (see [`people`]), the name in the order of the prose
/// and with the family name first, as lists write it (`Ashby, Wilfred`);
/// and for a name with middle names or initials (`Wilfred J. Ashby`), the
/// given and family names alone, in both orders.
pub(super) fn name_forms(value: &str) -> Vec<Vec<String>> {
    let mut forms = Vec::new();
    for person in people(value) {
        let words_of = |t: &[String]| words(&t.join(" "));
        forms.push(words_of(&person));
        if let Some((family, given)) = person.split_last().filter(|(_, g)| !g.is_empty()) {
            let mut reversed = vec![family.clone()];
            reversed.extend(given.iter().cloned());
            forms.push(words_of(&reversed));
            if given.len() > 1 {
                forms.push(words_of(&[given[0].clone(), family.clone()]));
                forms.push(words_of(&[family.clone(), given[0].clone()]));
            }
        }
    }
    forms.retain(|f| !f.is_empty());
    forms.dedup();
    forms
}
