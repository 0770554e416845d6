//! The Atom feed and the sitemap, written directly (with XML escaping)
//! rather than through templates: their formats are fixed.

use super::view::{report_url, request_url};
use super::{Contents, OutputFile};
use crate::model::date::Date;
use crate::model::vocabulary::{DecisionKind, Stage};
use crate::publish::{PublicRegister, PublicRequest};
use crate::source::site::Settings;
use std::fmt::Write as _;

/// How many entries the feed keeps: readers want recent changes.
pub const FEED_ENTRIES: usize = 100;

/// Escapes text for XML content and attributes.
pub fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Characters XML 1.0 forbids are dropped.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            '\u{fffe}' | '\u{ffff}' => {}
            c => out.push(c),
        }
    }
    out
}

/// One event of a request the feed may announce, in the order events of
/// one day are listed (stages, then decisions, each in their order).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Event {
    /// Its `i`-th history entry (stage).
    Stage(usize),
    /// Its `i`-th public decision.
    Decision(usize),
}

struct Entry {
    date: Date,
    event: Event,
    id: String,
    title: String,
    url: String,
    summary: String,
}

/// What one feed covers: the whole register, a list, or one request.
pub struct FeedScope<'a> {
    /// Where the feed is written, e.g. `status/triage/feed.xml`.
    pub path: String,
    /// Its title.
    pub title: String,
    /// The page it follows, e.g. `/status/triage/`.
    pub page: String,
    /// The requests it covers, by position in the register; `None`: all.
    pub members: Option<&'a [usize]>,
}

/// `/feed.xml`: new requests, stage changes and decisions, newest first.
/// Entry ids are tag URIs made of the request id and the event, so they
/// stay the same from build to build (and from feed to feed).
pub fn atom(register: &PublicRegister, settings: &Settings) -> OutputFile {
    let scope = FeedScope {
        path: "feed.xml".into(),
        title: settings.title.clone(),
        page: "/".into(),
        members: None,
    };
    atom_of(register, settings, &scope)
}

/// The feed of `scope`: the newest events of its requests. A list or a
/// request always has events (every request was submitted), so a feed
/// is never empty when its page is not.
pub fn atom_of(
    register: &PublicRegister,
    settings: &Settings,
    scope: &FeedScope<'_>,
) -> OutputFile {
    let base = &settings.base_url;
    let authority = base
        .split("://")
        .nth(1)
        .unwrap_or(base)
        .split('/')
        .next()
        .unwrap_or("register");
    let mut entries: Vec<Entry> = newest_events(register, scope.members)
        .into_iter()
        .map(|(_, event, n)| {
            let r = &register.requests()[n];
            match event {
                Event::Stage(i) => stage_entry(r, i, base, authority),
                Event::Decision(i) => decision_entry(r, i, base, authority),
            }
        })
        .collect();
    entries.sort_by(|a, b| {
        b.date
            .cmp(&a.date)
            .then(b.event.cmp(&a.event))
            .then(a.id.cmp(&b.id))
    });
    entries.truncate(FEED_ENTRIES);
    let updated = entries.first().map_or(register.today(), |e| e.date);
    let mut x = feed_head(settings, scope, updated);
    for e in &entries {
        write_entry(&mut x, e);
    }
    x.push_str("</feed>\n");
    OutputFile {
        path: scope.path.clone(),
        contents: Contents::Bytes(x.into_bytes()),
    }
}

/// The newest events, `(date, event, request)`, of the requests at
/// `members` (all when `None`): every event is listed cheaply first; only
/// the newest [`FEED_ENTRIES`] (and any tied with the last of them) are
/// kept, to be written out as entries.
fn newest_events(
    register: &PublicRegister,
    members: Option<&[usize]>,
) -> Vec<(Date, Event, usize)> {
    let all: Vec<usize>;
    let members = match members {
        Some(m) => m,
        None => {
            all = (0..register.requests().len()).collect();
            &all
        }
    };
    let mut events: Vec<(Date, Event, usize)> = Vec::new();
    for &n in members {
        let r = &register.requests()[n];
        for (i, h) in r.history.iter().enumerate() {
            events.push((h.date, Event::Stage(i), n));
        }
        for (i, d) in r.decisions.iter().enumerate() {
            events.push((d.date, Event::Decision(i), n));
        }
    }
    // A feed tells what has happened by the build date: an event dated
    // later (which `check` warns about) waits for its day, as the status
    // does. Only when nothing else is left does it stay, so that a list's
    // feed is never empty.
    let today = register.today();
    if events.iter().any(|e| e.0 <= today) {
        events.retain(|e| e.0 <= today);
    }
    events.sort_unstable_by(|a, b| b.0.cmp(&a.0).then(b.1.cmp(&a.1)));
    if let Some(&(date, event, _)) = events.get(FEED_ENTRIES.saturating_sub(1)) {
        let tied = events[FEED_ENTRIES..]
            .iter()
            .take_while(|e| e.0 == date && e.1 == event)
            .count();
        events.truncate(FEED_ENTRIES + tied);
    }
    events
}

/// The feed's opening: what the feed is, up to its first entry.
fn feed_head(settings: &Settings, scope: &FeedScope<'_>, updated: Date) -> String {
    let base = &settings.base_url;
    let mut x = String::new();
    let _ = writeln!(x, "<?xml version=\"1.0\" encoding=\"utf-8\"?>");
    let _ = writeln!(
        x,
        "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">",
        xml_escape(&settings.language)
    );
    let _ = writeln!(x, "  <title>{}</title>", xml_escape(&scope.title));
    if !settings.description.is_empty() {
        let _ = writeln!(
            x,
            "  <subtitle>{}</subtitle>",
            xml_escape(&settings.description)
        );
    }
    let page = format!("{base}{}", scope.page);
    let _ = writeln!(x, "  <id>{}</id>", xml_escape(&page));
    let _ = writeln!(
        x,
        "  <link rel=\"self\" href=\"{}/{}\"/>",
        xml_escape(base),
        xml_escape(&scope.path)
    );
    let _ = writeln!(
        x,
        "  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>",
        xml_escape(&page)
    );
    let _ = writeln!(x, "  <updated>{updated}T00:00:00Z</updated>");
    let owner = if settings.owner.is_empty() {
        &settings.title
    } else {
        &settings.owner
    };
    let _ = writeln!(x, "  <author><name>{}</name></author>", xml_escape(owner));
    let _ = writeln!(x, "  <generator>register</generator>");
    x
}

fn write_entry(x: &mut String, e: &Entry) {
    let _ = writeln!(x, "  <entry>");
    let _ = writeln!(x, "    <id>{}</id>", xml_escape(&e.id));
    let _ = writeln!(x, "    <title>{}</title>", xml_escape(&e.title));
    let _ = writeln!(x, "    <link href=\"{}\"/>", xml_escape(&e.url));
    let _ = writeln!(x, "    <updated>{}T00:00:00Z</updated>", e.date);
    let _ = writeln!(x, "    <summary>{}</summary>", xml_escape(&e.summary));
    let _ = writeln!(x, "  </entry>");
}

/// The entry for a request's `i`-th stage.
fn stage_entry(r: &PublicRequest, i: usize, base: &str, authority: &str) -> Entry {
    let h = &r.history[i];
    let (title, summary) = if h.stage == Stage::Submitted {
        (
            format!("New {}: {} {}", r.request_type.label(), r.id, r.title),
            format!(
                "{} submitted {} on {}.",
                r.proposer_organisation, r.id, h.date
            ),
        )
    } else {
        (
            format!("{} reached {}: {}", r.id, h.stage.label(), r.title),
            h.note
                .clone()
                .unwrap_or_else(|| format!("Stage {} on {}.", h.stage.label(), h.date)),
        )
    };
    Entry {
        date: h.date,
        event: Event::Stage(i),
        id: format!(
            "tag:{authority},{}:{}/stage/{}",
            r.submitted.year(),
            r.id,
            i + 1
        ),
        title,
        url: format!("{base}{}", request_url(&r.id)),
        summary,
    }
}

/// The entry for a request's `i`-th public decision.
fn decision_entry(r: &PublicRequest, i: usize, base: &str, authority: &str) -> Entry {
    let d = &r.decisions[i];
    let is_final = d.kind == DecisionKind::Final;
    Entry {
        date: d.date,
        event: Event::Decision(i),
        id: format!(
            "tag:{authority},{}:{}/decision/{}",
            r.submitted.year(),
            r.id,
            i + 1
        ),
        title: format!(
            "{} {}: {} ({})",
            r.id,
            d.kind.label().to_lowercase(),
            d.outcome.label(),
            r.title
        ),
        url: if is_final {
            format!("{base}{}", report_url(&r.id))
        } else {
            format!("{base}{}", request_url(&r.id))
        },
        summary: match (&d.sc_version, d.implementation_date) {
            (Some(v), Some(from)) => {
                format!("Approved for SC version {v}, implemented from {from}.")
            }
            _ => format!("{} on {}.", d.outcome.label(), d.date),
        },
    }
}

/// `/sitemap.xml`: every HTML page of the site (not the 404 page).
pub fn sitemap(pages: &[String], settings: &Settings) -> OutputFile {
    let mut x = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for page in pages {
        let url = format!(
            "{}/{}",
            settings.base_url,
            page.trim_end_matches("index.html")
        );
        let _ = writeln!(x, "  <url><loc>{}</loc></url>", xml_escape(&url));
    }
    x.push_str("</urlset>\n");
    OutputFile {
        path: "sitemap.xml".into(),
        contents: Contents::Bytes(x.into_bytes()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_escape_leaves_out_what_xml_forbids() {
        assert_eq!(
            xml_escape("a<b>&\"'\u{1}\u{fffe}\u{ffff}\t\u{fffd}"),
            "a&lt;b&gt;&amp;&quot;&apos;\t\u{fffd}"
        );
    }
}
