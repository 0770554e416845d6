//! Reading a binary attachment's text for the screen: every plausible
//! run of text in its bytes, whatever the encoding, and the text of the
//! containers the generator can open.
//!
//! * Runs (searched for declared personal data and withheld ids): ASCII,
//!   Windows-1252 (Latin-1), UTF-8 (a PDF's XMP metadata, `Zoë`), UTF-16
//!   in either byte order and alignment, in any script of the Basic
//!   Multilingual Plane (`Tomáš Dvořák`), and UTF-32.
//! * Strings (screened like a body, contact details included): a PDF's
//!   literal `(...)` strings with their escapes and hex `<...>` strings
//!   (`<FEFF0057...>`, `<4849442D31>`), decoded as PDF decodes them
//!   (UTF-16 after `FE FF`, UTF-8 after `EF BB BF`, else PDFDocEncoding),
//!   a `TJ` array's pieces joined as they are drawn.
//! * Containers: a PDF's streams compressed with `FlateDecode` are
//!   inflated and read the same way; the deflated entries of a ZIP file
//!   (office documents: `.docx`, `.xlsx`, `.pptx`, `.odt`) are inflated,
//!   and XML entries read as shown; a PNG's compressed text chunks are
//!   inflated.
//!
//! What cannot be read is said ([`Binary::unreadable`]): a PDF stream in
//! another compression (`LZWDecode`, `ASCII85Decode`...), one that does
//! not inflate, an encrypted PDF, a ZIP entry in another compression or
//! encrypted, a compressed archive (gzip, xz, 7-Zip, bzip2, zstd, RAR).
//! Such a file is refused unless its listing says the keeper checked it.

use std::fmt::Write as _;

/// What a binary file's bytes hold, for the screen.
#[derive(Debug, Default)]
pub struct Binary {
    /// Printable runs, one per line.
    pub runs: String,
    /// Strings (a PDF's; an office document's XML text as shown), one
    /// per line.
    pub strings: String,
    /// The first part that could not be read, in the keeper's words.
    pub unreadable: Option<String>,
}

/// At most this many bytes are inflated from one file, all its parts
/// together: more is a part that cannot be read (refused unless the
/// keeper checked it), never a build that runs out of memory or time.
pub const MAX_INFLATED: usize = 32 * 1024 * 1024;

/// How a part that inflates past the budget is named.
const TOO_MUCH: &str = "inflates to more than the generator reads (32 MiB in all, and no more \
                        than 4 MiB beyond 20 times the file's size)";

/// ZIP files inside ZIP files (an office document embedded in another)
/// are opened this deep; deeper is a part that cannot be read.
const MAX_DEPTH: usize = 3;

/// Reads `bytes` (a file that is not text).
pub fn read(bytes: &[u8]) -> Binary {
    let mut out = Binary::default();
    // A budget of what may be inflated: 32 MiB, and no more than 4 MiB
    // beyond 20 times the file's size (ordinary documents compress less;
    // a small file that inflates to much is a bomb, whose text would take
    // seconds and hundreds of MB to screen).
    let allowed = MAX_INFLATED.min((4 << 20) + bytes.len().saturating_mul(20));
    let mut inflated_total = MAX_INFLATED - allowed;
    out.runs = all_runs(bytes);
    if let Some(what) = compressed_archive(bytes) {
        out.unreadable = Some(what.to_string());
    }
    if is_pdf(bytes) {
        pdf(bytes, &mut out, &mut inflated_total);
    } else if bytes.starts_with(b"PK\x03\x04") {
        zip(bytes, &mut out, &mut inflated_total, 0);
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        png(bytes, &mut out, &mut inflated_total);
    }
    out
}

/// True when `bytes` are a PDF's (`%PDF-` in the first KiB).
pub fn is_pdf(bytes: &[u8]) -> bool {
    memchr::memmem::find(&bytes[..bytes.len().min(1024)], b"%PDF-").is_some()
}

/// A compressed archive by its signature, which only a person can check.
fn compressed_archive(bytes: &[u8]) -> Option<&'static str> {
    let signatures: &[(&[u8], &str)] = &[
        (b"\x1f\x8b", "a gzip archive"),
        (b"\xfd7zXZ\x00", "an xz archive"),
        (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
        (b"BZh", "a bzip2 archive"),
        (b"\x28\xb5\x2f\xfd", "a zstd archive"),
        (b"Rar!\x1a\x07", "a RAR archive"),
    ];
    let archive = signatures
        .iter()
        .find(|(sig, _)| bytes.starts_with(sig))
        .map(|(_, what)| *what);
    archive.or_else(|| {
        if bytes.starts_with(b"\x5d\x00\x00") {
            Some("an LZMA archive")
        } else if bytes.get(257..262) == Some(b"ustar") {
            Some("a tar archive (unpack it: its files may be compressed)")
        } else if is_zlib(bytes) {
            Some("raw zlib-compressed data")
        } else {
            None
        }
    })
}

/// True when `bytes` start a zlib stream that inflates (or would inflate
/// to more than a few KiB): compressed text the runs cannot see.
fn is_zlib(bytes: &[u8]) -> bool {
    let [cmf, flg, ..] = bytes else {
        return false;
    };
    if cmf & 0x0f != 8 || (u16::from(*cmf) * 256 + u16::from(*flg)) % 31 != 0 {
        return false;
    }
    match miniz_oxide::inflate::decompress_to_vec_zlib_with_limit(bytes, 4096) {
        Ok(_) => true,
        Err(e) => e.status == miniz_oxide::inflate::TINFLStatus::HasMoreOutput,
    }
}

/// Every printable run of `bytes` in every encoding read (see the module).
pub fn all_runs(bytes: &[u8]) -> String {
    let mut runs = Runs::of(super::attachments::printable_runs(bytes));
    utf8_runs(bytes).into_iter().for_each(|run| runs.add(run));
    wide_runs(bytes, 2)
        .into_iter()
        .for_each(|run| runs.add(run));
    wide_runs(bytes, 4)
        .into_iter()
        .for_each(|run| runs.add(run));
    runs.text
}

/// The runs found so far, one a line, each once.
struct Runs {
    text: String,
    seen: std::collections::HashSet<String>,
}

impl Runs {
    /// Starting with the lines of `text`.
    fn of(text: String) -> Runs {
        let seen = text.lines().map(str::to_string).collect();
        Runs { text, seen }
    }

    /// Adds `run` when it is four characters or more and new.
    fn add(&mut self, run: String) {
        if run.chars().count() >= 4 && self.seen.insert(run.clone()) {
            if !self.text.is_empty() {
                self.text.push('\n');
            }
            self.text.push_str(&run);
        }
    }
}

/// UTF-8 runs with a character beyond ASCII (ASCII ones are read
/// already), in order.
fn utf8_runs(bytes: &[u8]) -> Vec<String> {
    let mut found = Vec::new();
    for chunk in bytes.utf8_chunks() {
        let mut run = String::new();
        for c in chunk.valid().chars().chain(std::iter::once('\0')) {
            if super::attachments::is_printable(c) {
                run.push(c);
            } else {
                if !run.is_ascii() {
                    found.push(std::mem::take(&mut run));
                }
                run.clear();
            }
        }
        if !run.is_ascii() {
            found.push(run);
        }
    }
    found
}

/// Runs of `bytes` read as UTF-16 (`width` 2: any script of the BMP) or
/// UTF-32 (`width` 4), little-endian then big-endian, at every alignment.
fn wide_runs(bytes: &[u8], width: usize) -> Vec<String> {
    let mut found = Vec::new();
    for big_endian in [false, true] {
        for offset in 0..width {
            let units = bytes
                .get(offset..)
                .unwrap_or_default()
                .chunks_exact(width)
                .map(|unit| char::from_u32(code_unit(unit, big_endian)));
            found.extend(script_runs(units, width == 4));
        }
    }
    found
}

/// The number a UTF-16 or UTF-32 code unit holds, in either byte order.
fn code_unit(bytes: &[u8], big_endian: bool) -> u32 {
    let byte = |b: &u8| u32::from(*b);
    if big_endian {
        bytes.iter().fold(0, |n, b| (n << 8) | byte(b))
    } else {
        bytes.iter().rev().fold(0, |n, b| (n << 8) | byte(b))
    }
}

/// Runs of printable characters that hold one script at most beside
/// Latin and punctuation (text in any language does; the noise of other
/// bytes read as UTF-16 jumps between blocks and makes no run). A
/// character of another script starts a new run.
fn script_runs(units: impl Iterator<Item = Option<char>>, ascii_too: bool) -> Vec<String> {
    let mut out = Vec::new();
    let mut run = String::new();
    let mut count = 0;
    let mut script: Option<u32> = None;
    let end = |run: &mut String, count: &mut usize, out: &mut Vec<String>| {
        if *count >= 4 && (ascii_too || !run.is_ascii()) {
            out.push(std::mem::take(run));
        }
        run.clear();
        *count = 0;
    };
    for unit in units.chain(std::iter::once(None)) {
        match unit.filter(|&c| super::attachments::is_printable(c) || is_mark(c)) {
            Some(c) => {
                let block = u32::from(c) >> 7;
                let common = u32::from(c) < 0x0250 || (0x2000..0x2070).contains(&u32::from(c));
                if !common {
                    match script {
                        Some(s) if s != block => {
                            end(&mut run, &mut count, &mut out);
                            script = Some(block);
                        }
                        None => script = Some(block),
                        _ => {}
                    }
                }
                run.push(c);
                count += 1;
            }
            None => {
                end(&mut run, &mut count, &mut out);
                script = None;
            }
        }
    }
    out
}

/// A combining mark (decomposed accents, scripts written with marks).
fn is_mark(c: char) -> bool {
    matches!(u32::from(c), 0x0300..=0x036f | 0x0900..=0x0dff)
}

// ---------------------------------------------------------------------------
// PDF.

/// Filters that only ever hold images: their data is not text.
const IMAGE_FILTERS: &[&str] = &[
    "DCTDecode",
    "DCT",
    "JPXDecode",
    "JBIG2Decode",
    "CCITTFaxDecode",
    "CCF",
];

fn pdf(bytes: &[u8], out: &mut Binary, inflated_total: &mut usize) {
    if memchr::memmem::find(bytes, b"/Encrypt").is_some() {
        out.unreadable
            .get_or_insert_with(|| "an encrypted PDF".to_string());
    }
    // The file outside its streams' data, and each stream's data as it
    // reads (inflated when it can be).
    let mut outside = Vec::with_capacity(bytes.len().min(1 << 20));
    let mut at = 0;
    let finder = memchr::memmem::Finder::new(b"stream");
    while let Some(i) = finder.find(&bytes[at..]) {
        let start_kw = at + i;
        // `endstream` is not a stream's start.
        if start_kw >= 3 && &bytes[start_kw - 3..start_kw] == b"end" {
            outside.extend_from_slice(&bytes[at..start_kw + 6]);
            at = start_kw + 6;
            continue;
        }
        let mut data_start = start_kw + 6;
        if bytes[data_start..].starts_with(b"\r\n") {
            data_start += 2;
        } else if bytes[data_start..].starts_with(b"\n") || bytes[data_start..].starts_with(b"\r") {
            data_start += 1;
        } else {
            outside.extend_from_slice(&bytes[at..data_start]);
            at = data_start;
            continue;
        }
        let Some(len) = memchr::memmem::find(&bytes[data_start..], b"endstream") else {
            break;
        };
        let data_end = data_start + len;
        outside.extend_from_slice(&bytes[at..start_kw]);
        // The stream's dictionary: back to its `obj` (or the last 4 KiB).
        let dict_from = memchr::memmem::rfind(
            &bytes[at.max(start_kw.saturating_sub(4096))..start_kw],
            b"obj",
        )
        .map_or(start_kw.saturating_sub(4096).max(at), |o| {
            at.max(start_kw.saturating_sub(4096)) + o
        });
        let dict = String::from_utf8_lossy(&bytes[dict_from..start_kw]);
        let data = trim_eol(&bytes[data_start..data_end]);
        match stream_data(&dict, data, inflated_total) {
            Ok(Some(text)) => {
                out.runs.push('\n');
                out.runs.push_str(&all_runs(&text));
                pdf_strings(&text, &mut out.strings);
            }
            Ok(None) => {
                if filters(&dict).is_empty() {
                    // A raw stream: read with the file's other bytes.
                    outside.extend_from_slice(b"\n");
                    outside.extend_from_slice(data);
                    outside.extend_from_slice(b"\n");
                }
            }
            Err(what) => {
                out.unreadable.get_or_insert(what);
            }
        }
        at = data_end;
    }
    outside.extend_from_slice(&bytes[at..]);
    pdf_strings(&outside, &mut out.strings);
}

fn trim_eol(data: &[u8]) -> &[u8] {
    let data = data.strip_suffix(b"\n").unwrap_or(data);
    data.strip_suffix(b"\r").unwrap_or(data)
}

/// A stream's data as it reads: `Ok(None)` for an image, `Err` with what
/// could not be read.
fn stream_data(
    dict: &str,
    data: &[u8],
    inflated_total: &mut usize,
) -> Result<Option<Vec<u8>>, String> {
    let filters = filters(dict);
    let mut data = data.to_vec();
    for f in &filters {
        match f.as_str() {
            "FlateDecode" | "Fl" => {
                let limit = MAX_INFLATED.saturating_sub(*inflated_total);
                data = miniz_oxide::inflate::decompress_to_vec_zlib_with_limit(&data, limit)
                    .or_else(|_| miniz_oxide::inflate::decompress_to_vec_with_limit(&data, limit))
                    .map_err(|_| {
                        format!("a PDF stream compressed with FlateDecode that does not inflate, or {TOO_MUCH}")
                    })?;
                *inflated_total += data.len();
                data = unpredicted(dict, data)?;
            }
            "ASCIIHexDecode" | "AHx" => data = hex_bytes(&data),
            f if IMAGE_FILTERS.contains(&f) => return Ok(None),
            other => return Err(format!("a PDF stream compressed with {other}")),
        }
    }
    // A raw stream is read with the file, outside streams too.
    Ok((!filters.is_empty()).then_some(data))
}

/// The number after `/key` in a stream dictionary, if any.
fn dict_number(dict: &str, key: &str) -> Option<i64> {
    let mut from = 0;
    while let Some(i) = dict[from..].find(key) {
        let at = from + i + key.len();
        from = at;
        // `/Colors` is no `/ColorSpace`.
        if dict[at..].starts_with(|c: char| c.is_ascii_alphanumeric()) {
            continue;
        }
        let rest = dict[at..].trim_start();
        let end = rest
            .find(|c: char| !c.is_ascii_digit() && c != '-' && c != '+')
            .unwrap_or(rest.len());
        return rest[..end].parse().ok();
    }
    None
}

/// Inflated data with its `/DecodeParms` predictor undone: TIFF (2) and
/// PNG (10 to 15, each row with its own filter), 8 bits per component.
/// Any other predictor, or a row that does not decode, is a part that
/// cannot be read.
fn unpredicted(dict: &str, data: Vec<u8>) -> Result<Vec<u8>, String> {
    let unreadable = || "a PDF stream with a predictor (`/DecodeParms`) it cannot undo".to_string();
    static INDIRECT: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(
            r"/(?:Predictor|Columns|Colors|BitsPerComponent)\s+\d+\s+\d+\s+R|/DecodeParms\s*[^<\s]",
        )
        .expect("valid pattern")
    });
    // Parameters in an array (one per filter) or elsewhere in the file.
    if INDIRECT.is_match(dict) || dict.contains("/DP") {
        return Err(unreadable());
    }
    let predictor = match dict_number(dict, "/Predictor") {
        None | Some(1) => return Ok(data),
        Some(p) => p,
    };
    let colors = dict_number(dict, "/Colors").unwrap_or(1);
    let bits = dict_number(dict, "/BitsPerComponent").unwrap_or(8);
    let columns = dict_number(dict, "/Columns").unwrap_or(1);
    if bits != 8 || !(1..=32).contains(&colors) || !(1..=1 << 20).contains(&columns) {
        return Err(unreadable());
    }
    let bpp = colors as usize;
    let row = bpp * columns as usize;
    match predictor {
        2 => {
            let mut out = data;
            for line in out.chunks_mut(row) {
                for i in bpp..line.len() {
                    line[i] = line[i].wrapping_add(line[i - bpp]);
                }
            }
            Ok(out)
        }
        10..=15 => {
            let mut out = Vec::with_capacity(data.len());
            let mut prev = vec![0u8; row];
            for line in data.chunks(row + 1) {
                let (&kind, line) = line.split_first().ok_or_else(unreadable)?;
                let mut cur = line.to_vec();
                for i in 0..cur.len() {
                    let a = if i >= bpp { cur[i - bpp] } else { 0 };
                    let b = prev[i];
                    let c = if i >= bpp { prev[i - bpp] } else { 0 };
                    let add = match kind {
                        0 => 0,
                        1 => a,
                        2 => b,
                        3 => ((u16::from(a) + u16::from(b)) / 2) as u8,
                        4 => {
                            let p = i16::from(a) + i16::from(b) - i16::from(c);
                            let (pa, pb, pc) = (
                                (p - i16::from(a)).abs(),
                                (p - i16::from(b)).abs(),
                                (p - i16::from(c)).abs(),
                            );
                            if pa <= pb && pa <= pc {
                                a
                            } else if pb <= pc {
                                b
                            } else {
                                c
                            }
                        }
                        _ => return Err(unreadable()),
                    };
                    cur[i] = cur[i].wrapping_add(add);
                }
                out.extend_from_slice(&cur);
                prev[..cur.len()].copy_from_slice(&cur);
            }
            Ok(out)
        }
        _ => Err(unreadable()),
    }
}

/// The names of a stream dictionary's `/Filter`, in order.
fn filters(dict: &str) -> Vec<String> {
    let Some(i) = dict.rfind("/Filter") else {
        return Vec::new();
    };
    let rest = dict[i + 7..].trim_start();
    let value = if let Some(array) = rest.strip_prefix('[') {
        &array[..array.find(']').unwrap_or(array.len())]
    } else {
        let first = rest.chars().next().map_or(0, char::len_utf8);
        let end = rest[first..]
            .find(|c: char| c == '/' || c == '>' || c.is_whitespace())
            .map_or(rest.len(), |e| e + first);
        &rest[..end]
    };
    value
        .split('/')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

fn hex_bytes(hex: &[u8]) -> Vec<u8> {
    let digits: Vec<u8> = hex
        .iter()
        .take_while(|&&b| b != b'>')
        .filter_map(|&b| (b as char).to_digit(16).map(|d| d as u8))
        .collect();
    digits
        .chunks(2)
        .map(|p| (p[0] << 4) | p.get(1).copied().unwrap_or(0))
        .collect()
}

/// Appends the strings of PDF `bytes` to `out`, one line per run of
/// strings drawn together (a `TJ` array's pieces joined, with a space
/// where its spacing is a word's).
fn pdf_strings(bytes: &[u8], out: &mut String) {
    let mut line = String::new();
    let mut last_number: Option<f64> = None;
    let mut i = 0;
    let flush = |line: &mut String, out: &mut String| {
        if !line.trim().is_empty() {
            if !out.is_empty() {
                out.push('\n');
            }
            out.push_str(line.trim());
        }
        line.clear();
    };
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            b'(' => {
                let (raw, len) = literal(&bytes[i..]);
                if last_number.is_some_and(|n| n.abs() >= 250.0) {
                    line.push(' ');
                }
                line.push_str(&pdf_text(&raw));
                last_number = None;
                i += len;
            }
            b'<' if bytes.get(i + 1) != Some(&b'<') => {
                let end = bytes[i + 1..]
                    .iter()
                    .position(|&b| b == b'>')
                    .map_or(bytes.len(), |e| i + 1 + e);
                let inner = &bytes[i + 1..end.min(bytes.len())];
                if inner
                    .iter()
                    .all(|b| b.is_ascii_hexdigit() || b.is_ascii_whitespace())
                {
                    if last_number.is_some_and(|n| n.abs() >= 250.0) {
                        line.push(' ');
                    }
                    line.push_str(&pdf_text(&hex_bytes(inner)));
                    last_number = None;
                    i = end + 1;
                } else {
                    // `<<`, a dictionary: read on inside it.
                    flush(&mut line, out);
                    i += 1;
                }
            }
            b'-' | b'+' | b'.' | b'0'..=b'9' => {
                let end = bytes[i..]
                    .iter()
                    .position(|b| !matches!(b, b'-' | b'+' | b'.' | b'0'..=b'9'))
                    .map_or(bytes.len(), |e| i + e);
                last_number = std::str::from_utf8(&bytes[i..end])
                    .ok()
                    .and_then(|s| s.parse().ok());
                i = end;
            }
            b' ' | b'\t' | b'\r' | b'\n' | b'\x0c' | b'[' => i += 1,
            _ => {
                flush(&mut line, out);
                last_number = None;
                i += 1;
            }
        }
    }
    flush(&mut line, out);
}

/// A literal string at the start of `bytes` (which starts with `(`): its
/// bytes, escapes decoded, and the bytes it takes.
fn literal(bytes: &[u8]) -> (Vec<u8>, usize) {
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            b'(' => {
                if depth > 0 {
                    out.push(b);
                }
                depth += 1;
            }
            b')' => {
                depth -= 1;
                if depth == 0 {
                    return (out, i + 1);
                }
                out.push(b);
            }
            b'\\' => {
                i += 1;
                let Some(&e) = bytes.get(i) else { break };
                match e {
                    b'n' => out.push(b'\n'),
                    b'r' => out.push(b'\r'),
                    b't' => out.push(b'\t'),
                    b'b' => out.push(8),
                    b'f' => out.push(12),
                    b'0'..=b'7' => {
                        let digits = bytes[i..]
                            .iter()
                            .take(3)
                            .take_while(|&&b| (b'0'..=b'7').contains(&b))
                            .count();
                        let value = bytes[i..i + digits]
                            .iter()
                            .fold(0u32, |v, d| v * 8 + u32::from(d - b'0'));
                        out.push(value as u8);
                        i += digits - 1;
                    }
                    b'\r' => {
                        if bytes.get(i + 1) == Some(&b'\n') {
                            i += 1;
                        }
                    }
                    b'\n' => {}
                    other => out.push(other),
                }
            }
            _ => out.push(b),
        }
        i += 1;
    }
    (out, bytes.len())
}

/// A PDF string's bytes as text: UTF-16BE after `FE FF`, UTF-8 after
/// `EF BB BF` (or when they are UTF-8 beyond ASCII), else PDFDocEncoding
/// (read as Windows-1252). Characters that are not printable become a
/// line break.
fn pdf_text(raw: &[u8]) -> String {
    let text: String = if let Some(rest) = raw.strip_prefix(b"\xfe\xff") {
        char::decode_utf16(
            rest.chunks_exact(2)
                .map(|p| u16::from_be_bytes([p[0], p[1]])),
        )
        .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect()
    } else if let Some(rest) = raw.strip_prefix(b"\xef\xbb\xbf") {
        String::from_utf8_lossy(rest).into_owned()
    } else if let Ok(s) = std::str::from_utf8(raw) {
        s.to_string()
    } else {
        raw.iter()
            .map(|&b| super::attachments::windows_1252(b))
            .collect()
    };
    text.chars()
        .map(|c| {
            if super::attachments::is_printable(c) || is_mark(c) || c == '\t' {
                c
            } else {
                '\n'
            }
        })
        .collect()
}

// ---------------------------------------------------------------------------
// ZIP (office documents) and PNG.

fn u16_at(b: &[u8], at: usize) -> Option<usize> {
    Some(usize::from(u16::from_le_bytes(
        b.get(at..at + 2)?.try_into().ok()?,
    )))
}

fn u32_at(b: &[u8], at: usize) -> Option<usize> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?) as usize)
}

/// A ZIP file's entries, read from its central directory; a file whose
/// directory cannot be found is read as any binary (its runs).
fn zip(bytes: &[u8], out: &mut Binary, inflated_total: &mut usize, depth: usize) {
    if depth > MAX_DEPTH {
        out.unreadable
            .get_or_insert_with(|| "ZIP files nested too deep inside each other".to_string());
        return;
    }
    let tail = bytes.len().saturating_sub(65_557);
    let Some(eocd) = memchr::memmem::rfind(&bytes[tail..], b"PK\x05\x06").map(|i| tail + i) else {
        return;
    };
    let (Some(count), Some(mut at)) = (u16_at(bytes, eocd + 10), u32_at(bytes, eocd + 16)) else {
        return;
    };
    for _ in 0..count {
        if bytes.get(at..at + 4) != Some(b"PK\x01\x02") {
            out.unreadable
                .get_or_insert_with(|| "a ZIP file whose directory cannot be read".to_string());
            return;
        }
        let entry = (|| {
            let flags = u16_at(bytes, at + 8)?;
            let method = u16_at(bytes, at + 10)?;
            let size = u32_at(bytes, at + 20)?;
            let name_len = u16_at(bytes, at + 28)?;
            let extra_len = u16_at(bytes, at + 30)?;
            let comment_len = u16_at(bytes, at + 32)?;
            let local = u32_at(bytes, at + 42)?;
            let name =
                String::from_utf8_lossy(bytes.get(at + 46..at + 46 + name_len)?).into_owned();
            let next = at + 46 + name_len + extra_len + comment_len;
            let data_at = local + 30 + u16_at(bytes, local + 26)? + u16_at(bytes, local + 28)?;
            let data = bytes.get(data_at..data_at.checked_add(size)?)?;
            Some((flags, method, name, data, next))
        })();
        let Some((flags, method, name, data, next)) = entry else {
            out.unreadable
                .get_or_insert_with(|| "a ZIP file whose directory cannot be read".to_string());
            return;
        };
        at = next;
        if flags & 1 != 0 {
            out.unreadable
                .get_or_insert_with(|| format!("an encrypted ZIP entry ({})", safe_name(&name)));
            continue;
        }
        let content = match method {
            0 => data.to_vec(),
            8 => {
                let limit = MAX_INFLATED.saturating_sub(*inflated_total);
                match miniz_oxide::inflate::decompress_to_vec_with_limit(data, limit) {
                    Ok(d) => d,
                    Err(_) => {
                        out.unreadable.get_or_insert_with(|| {
                            format!(
                                "a ZIP entry that does not inflate, or {TOO_MUCH} ({})",
                                safe_name(&name)
                            )
                        });
                        continue;
                    }
                }
            }
            _ => {
                out.unreadable.get_or_insert_with(|| {
                    format!("a ZIP entry in another compression ({})", safe_name(&name))
                });
                continue;
            }
        };
        *inflated_total += content.len();
        add_inflated(&content, &name, out, inflated_total, depth);
    }
}

/// An inflated part: its runs, and, for XML, its text as shown; a PDF or
/// a ZIP inside is opened too.
fn add_inflated(
    content: &[u8],
    name: &str,
    out: &mut Binary,
    inflated_total: &mut usize,
    depth: usize,
) {
    // A ZIP file stored inside is opened, even when its bytes are UTF-8.
    let text = if content.starts_with(b"PK\x03\x04") {
        None
    } else {
        std::str::from_utf8(content).ok()
    };
    if let Some(text) = text {
        if let Some(what) = office_unreadable(text) {
            out.unreadable
                .get_or_insert_with(|| format!("{what} ({})", safe_name(name)));
        }
        let (shown, _) =
            if name.ends_with(".xml") || name.ends_with(".rels") || text.starts_with("<?xml") {
                super::markup::shown(text)
            } else {
                (text.to_string(), Vec::new())
            };
        let _ = write!(out.strings, "\n{shown}");
        let _ = write!(out.runs, "\n{}", super::markup::decoded(text).0);
    } else {
        let nested = read_nested(content, inflated_total, depth);
        out.runs.push('\n');
        out.runs.push_str(&nested.runs);
        if !nested.strings.is_empty() {
            out.strings.push('\n');
            out.strings.push_str(&nested.strings);
        }
        if let Some(u) = nested.unreadable {
            out.unreadable.get_or_insert(u);
        }
    }
}

fn read_nested(bytes: &[u8], inflated_total: &mut usize, depth: usize) -> Binary {
    let mut out = Binary {
        runs: all_runs(bytes),
        ..Binary::default()
    };
    if let Some(what) = compressed_archive(bytes) {
        out.unreadable = Some(what.to_string());
    }
    if is_pdf(bytes) {
        pdf(bytes, &mut out, inflated_total);
    } else if bytes.starts_with(b"PK\x03\x04") {
        // An office document embedded in another (`word/embeddings/`).
        zip(bytes, &mut out, inflated_total, depth + 1);
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        png(bytes, &mut out, inflated_total);
    }
    out
}

/// What an office document's XML part shows otherwise than it is
/// written: hidden runs (`<w:vanish/>`), and spreadsheet number formats
/// that write text or digits of their own (`"HID-"0`, `00000 000000`).
fn office_unreadable(xml: &str) -> Option<&'static str> {
    if xml.contains("<w:vanish") || xml.contains("<w:specVanish") {
        return Some("hidden text in a Word document (`w:vanish`)");
    }
    if xml.contains("<w:delText") {
        return Some(
            "tracked deletions in a Word document (`w:delText`): hidden in its simple view, \
             they separate words a reader sees joined",
        );
    }
    static TINY: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r#"<w:sz(?:Cs)?\s+w:val\s*=\s*["'][0-2]["']"#).expect("valid pattern")
    });
    if TINY.is_match(xml) {
        return Some("text in a Word document too small to see (`w:sz` of 1 point or less)");
    }
    static ODS: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(
            r#"<number:(?:text|embedded-text)>[^<]*[\p{L}\p{N}]|number:min-integer-digits\s*=\s*["'](?:[2-9]|\d\d)"#,
        )
        .expect("valid pattern")
    });
    if ODS.is_match(xml) {
        return Some(
            "a spreadsheet number format that shows text or digits of its own \
             (literal text, zero padding)",
        );
    }
    if xml.contains("<numFmt ") || xml.contains("<x:numFmt ") {
        static CODE: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
            regex::Regex::new(r#"formatCode\s*=\s*(?:"([^"]*)"|'([^']*)')"#).expect("valid pattern")
        });
        for caps in CODE.captures_iter(xml) {
            let code = caps
                .get(1)
                .or_else(|| caps.get(2))
                .map_or("", |m| m.as_str());
            let code = super::markup::decoded(code).0;
            if !plain_number_format(&code) {
                return Some(
                    "a spreadsheet number format that shows text or digits of its own \
                     (literal text, zero padding)",
                );
            }
        }
    }
    None
}

/// True for a number format that shows a cell's value as written: digits
/// (`#,##0`, `0.00`, `0%`), dates and times, with no literal text, no
/// escapes and no padding (`00000`).
fn plain_number_format(code: &str) -> bool {
    if code.contains(['"', '\\', '*', '_']) {
        return false;
    }
    code.split(';').all(|section| {
        // `[Red]`, `[$-409]`, `[h]`: colours, locales, elapsed times.
        let mut bare = String::new();
        let mut depth = 0;
        for c in section.chars() {
            match c {
                '[' => depth += 1,
                ']' => depth -= 1,
                _ if depth == 0 => bare.push(c),
                _ => {}
            }
        }
        if bare.eq_ignore_ascii_case("general") || bare == "@" {
            return true;
        }
        let integer = bare
            .split(['.', 'E', 'e'])
            .next()
            .unwrap_or("")
            .replace(',', "");
        let placeholders = integer.trim_matches(|c: char| !matches!(c, '0' | '#' | '?'));
        let padded = placeholders.chars().filter(|&c| c == '0').count() > 1
            || placeholders.contains(|c: char| !matches!(c, '0' | '#' | '?'));
        let literal = bare.chars().any(|c| {
            c.is_alphabetic() && !"dmyhsAMPMEeG".contains(c) || !c.is_ascii() && !c.is_alphabetic()
        });
        !padded && !literal
    })
}

/// An entry's name for a message: only the characters of a file name.
fn safe_name(name: &str) -> String {
    let kept: String = name
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '/' | '_' | '-'))
        .take(80)
        .collect();
    format!("`{kept}`")
}

/// A PNG's compressed text chunks (`zTXt`, compressed `iTXt`), inflated.
fn png(bytes: &[u8], out: &mut Binary, inflated_total: &mut usize) {
    let mut at = 8;
    while let (Some(len), Some(kind)) = (
        bytes
            .get(at..at + 4)
            .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]) as usize),
        bytes.get(at + 4..at + 8),
    ) {
        let Some(data) = bytes.get(at + 8..(at + 8).saturating_add(len)) else {
            break;
        };
        let compressed = match kind {
            // keyword \0 method profile: an ICC profile's text (`desc`).
            b"zTXt" | b"iCCP" => data
                .iter()
                .position(|&b| b == 0)
                .and_then(|k| data.get(k + 2..)),
            b"iTXt" => data.iter().position(|&b| b == 0).and_then(|k| {
                (data.get(k + 1) == Some(&1)).then(|| {
                    // keyword \0 flag method language \0 translated \0 text
                    let rest = &data[k + 3..];
                    let lang = rest.iter().position(|&b| b == 0).unwrap_or(rest.len());
                    let rest = rest.get(lang + 1..).unwrap_or_default();
                    let tr = rest.iter().position(|&b| b == 0).unwrap_or(rest.len());
                    rest.get(tr + 1..).unwrap_or_default()
                })
            }),
            _ => None,
        };
        if let Some(c) = compressed {
            let limit = MAX_INFLATED.saturating_sub(*inflated_total);
            match miniz_oxide::inflate::decompress_to_vec_zlib_with_limit(c, limit) {
                Ok(text) if kind == b"iCCP" => {
                    *inflated_total += text.len();
                    // Its text (`desc`, `cprt`) is shown by image viewers:
                    // screened like a body too.
                    let runs = all_runs(&text);
                    let _ = write!(out.strings, "\n{runs}");
                    out.runs.push('\n');
                    out.runs.push_str(&runs);
                }
                Ok(text) => {
                    *inflated_total += text.len();
                    let _ = write!(out.strings, "\n{}", String::from_utf8_lossy(&text));
                    out.runs.push('\n');
                    out.runs.push_str(&all_runs(&text));
                }
                Err(_) => {
                    out.unreadable.get_or_insert_with(|| {
                        format!("a PNG text chunk that does not inflate, or {TOO_MUCH}")
                    });
                }
            }
        }
        at += 12 + len;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn deflate(data: &[u8]) -> Vec<u8> {
        miniz_oxide::deflate::compress_to_vec_zlib(data, 6)
    }

    #[test]
    fn runs_read_utf8_utf16_beyond_latin1_and_utf32() {
        let mut bytes = b"\x00\x01<rdf:li>Zo\xc3\xab Ashby</rdf:li>\x00\xff".to_vec();
        bytes.extend(
            "\u{feff}Tomáš Dvořák"
                .encode_utf16()
                .flat_map(u16::to_be_bytes),
        );
        bytes.extend([0xff, 0x01]);
        bytes.extend("Иван Петров".encode_utf16().flat_map(u16::to_le_bytes));
        bytes.extend([0x01, 0xff, 0x03]);
        for c in "Gideon Marsh HID-1".chars() {
            bytes.extend(u32::from(c).to_le_bytes());
        }
        bytes.extend([0xff, 0xfe, 0xfd, 0xfc]);
        let b = read(&bytes);
        for want in [
            "Zoë Ashby",
            "Tomáš Dvořák",
            "Иван Петров",
            "Gideon Marsh HID-1",
        ] {
            assert!(b.runs.contains(want), "{want} in {}", b.runs);
        }
    }

    #[test]
    fn pdf_strings_and_streams_are_read() {
        let author: String = "\u{feff}Wilfred Ashby"
            .encode_utf16()
            .flat_map(u16::to_be_bytes)
            .map(|b| format!("{b:02X}"))
            .collect();
        let content = deflate(
            b"BT /F1 12 Tf [(Wil) -20 (fred) -300 (Ash) 10 (by)] TJ (call 01632 960111) Tj ET",
        );
        let mut pdf = format!(
            "%PDF-1.7\n1 0 obj<</Author <{author}> /Subject <4849442D31> /Title (Caf\\351 \\(x\\))>>endobj\n\
             2 0 obj<</Length {} /Filter /FlateDecode>>stream\n",
            content.len()
        )
        .into_bytes();
        pdf.extend(&content);
        pdf.extend(b"\nendstream\nendobj\n");
        let b = read(&pdf);
        assert_eq!(b.unreadable, None);
        for want in [
            "Wilfred Ashby",
            "HID-1",
            "Café (x)",
            "Wilfred Ashby",
            "call 01632 960111",
        ] {
            assert!(b.strings.contains(want), "{want} in {}", b.strings);
        }
        let lzw = b"%PDF-1.4\n3 0 obj<</Filter/LZWDecode/Length 3>>stream\nabc\nendstream\n";
        assert!(read(lzw).unreadable.unwrap().contains("LZWDecode"));
        let image = b"%PDF-1.4\n3 0 obj<</Filter/DCTDecode/Length 3>>stream\nabc\nendstream\n";
        assert_eq!(read(image).unreadable, None);
    }

    #[test]
    fn odd_pdfs_never_panic() {
        for bytes in [
            &b"%PDF-1.4\n1 0 obj<</Filter \xc3\xa9>>stream\nx\nendstream"[..],
            b"%PDF-1.4 (unclosed \\",
            b"%PDF-1.4 <4",
            b"%PDF-1.4 stream",
            b"PK\x03\x04PK\x05\x06\x00\x00\x00\x00\x05\x00\x05\x00\xff\xff\xff\xff\xff\xff\xff\xff",
            b"\x89PNG\r\n\x1a\n\xff\xff\xff\xffzTXt",
        ] {
            let _ = read(bytes);
        }
    }

    #[test]
    fn number_formats_that_write_their_own_text_are_unreadable() {
        for code in [
            "General",
            "0",
            "#,##0",
            "#,##0.00",
            "0.00%",
            "dd/mm/yyyy",
            "[Red]0.00",
            "@",
        ] {
            assert!(plain_number_format(code), "{code}");
        }
        for code in ["00000 000000", "\"HID-\"0", "\\H0", "0-0", "000", "#-#"] {
            assert!(!plain_number_format(code), "{code}");
        }
    }

    #[test]
    fn png_predictors_are_undone() {
        let dict = "/Filter/FlateDecode/DecodeParms<</Predictor 12/Columns 3>>";
        // Rows "abc" and "abd", the second as "Up" differences.
        let data = vec![0, b'a', b'b', b'c', 2, 0, 0, 1];
        assert_eq!(unpredicted(dict, data).unwrap(), b"abcabd");
        assert!(unpredicted("/DecodeParms 7 0 R", vec![1, 2]).is_err());
    }

    #[test]
    fn compressed_archives_are_unreadable() {
        assert!(read(b"\x1f\x8b\x08\x00rest").unreadable.is_some());
    }
}
