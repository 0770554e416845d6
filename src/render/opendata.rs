//! What the open data are: `/datapackage.json`, a Frictionless Data
//! package describing `register.csv` (a Table Schema with types, `enum`s
//! and the primary key), and `/register.schema.json`, a JSON Schema
//! (2020-12) for `register.json`. Both are made from the register's own
//! vocabulary, so a new status or outcome cannot be left out of them; they
//! hold no record, so nothing withheld can reach them.

use super::export::{CSV_COLUMNS, SCHEMA_VERSION};
use super::{Contents, OutputFile};
use crate::model::status::Status;
use crate::model::vocabulary::{DecisionKind, Outcome, Reason, RequestType, Stage};
use crate::source::site::Settings;
use serde_json::{Value, json};

fn slugs<T: Copy>(all: &[T], slug: fn(T) -> &'static str) -> Vec<&'static str> {
    all.iter().map(|x| slug(*x)).collect()
}

/// The final outcomes (an interim decision's are not a request's outcome).
fn final_outcomes() -> Vec<&'static str> {
    Outcome::ALL
        .iter()
        .filter(|o| o.kind() == DecisionKind::Final)
        .map(|o| o.slug())
        .collect()
}

/// One Table Schema field of `register.csv`.
fn csv_field(name: &str) -> Value {
    let (kind, about, extra) = match name {
        "type" => (
            "string",
            "request type",
            json!({"enum": slugs(RequestType::ALL, RequestType::slug)}),
        ),
        "status" => (
            "string",
            "derived status on the build date",
            json!({"enum": slugs(Status::ALL, Status::slug)}),
        ),
        "outcome" => (
            "string",
            "public final outcome, empty when none is public",
            json!({"enum": final_outcomes()}),
        ),
        "submitted" | "decision_date" | "implementation_date" => {
            ("date", "a date, empty when there is none", json!({}))
        }
        "requires_new_sc" | "urgent" => {
            ("boolean", "question 5 or 6 of the request form", json!({}))
        }
        "id" => (
            "string",
            "the request's id",
            json!({"required": true, "unique": true}),
        ),
        "url" => (
            "string",
            "the request's page, absolute",
            json!({"required": true}),
        ),
        "devices" | "reasons" | "affected_scs" => ("string", "a list, joined with `;`", json!({})),
        _ => ("string", "text", json!({})),
    };
    let mut field = json!({"name": name, "type": kind, "description": about});
    if name == "url" {
        field["format"] = json!("uri");
    }
    if extra.as_object().is_some_and(|m| !m.is_empty()) {
        field["constraints"] = extra;
    }
    field
}

/// `/datapackage.json`: the package of `register.csv`.
pub fn datapackage(settings: &Settings) -> OutputFile {
    let fields: Vec<Value> = CSV_COLUMNS.iter().map(|c| csv_field(c)).collect();
    let package = json!({
        "profile": "tabular-data-package",
        "name": "cpa-sc-modification-register",
        "title": settings.title,
        "description": settings.description,
        "homepage": format!("{}/", settings.base_url),
        "resources": [{
            "name": "register",
            "path": "register.csv",
            "profile": "tabular-data-resource",
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "dialect": {"delimiter": ",", "header": true},
            "schema": {"fields": fields, "primaryKey": ["id"], "missingValues": [""]},
        }],
    });
    pretty("datapackage.json", &package)
}

fn date() -> Value {
    json!({"type": "string", "format": "date", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"})
}

fn nullable(v: Value) -> Value {
    json!({"anyOf": [v, {"type": "null"}]})
}

fn strings() -> Value {
    json!({"type": "array", "items": {"type": "string"}})
}

/// A decision as `register.json` writes it.
fn decision_schema() -> Value {
    json!({
        "type": "object",
        "additionalProperties": false,
        "required": ["date", "kind", "outcome", "sc_version", "implementation_date", "panel_notified", "report_url"],
        "properties": {
            "date": date(),
            "kind": {"enum": slugs(DecisionKind::ALL, DecisionKind::slug)},
            "outcome": {"enum": slugs(Outcome::ALL, Outcome::slug)},
            "sc_version": nullable(json!({"type": "string", "pattern": "^[0-9]+\\.[0-9]+$"})),
            "implementation_date": nullable(date()),
            "panel_notified": nullable(date()),
            "report_url": nullable(json!({"type": "string", "format": "uri"})),
        },
    })
}

/// A request as `register.json` writes it.
fn request_schema() -> Value {
    let stage = json!({
        "type": "object",
        "additionalProperties": false,
        "required": ["date", "stage", "note"],
        "properties": {
            "date": date(),
            "stage": {"enum": slugs(Stage::ALL, Stage::slug)},
            "note": nullable(json!({"type": "string"})),
        },
    });
    let properties = json!({
        "id": {"type": "string", "pattern": "^[A-Z][A-Z0-9]*(-[A-Z0-9]+)+$"},
        "title": {"type": "string"},
        "type": {"enum": slugs(RequestType::ALL, RequestType::slug)},
        "status": {"enum": slugs(Status::ALL, Status::slug)},
        "submitted": date(),
        "url": {"type": "string", "format": "uri"},
        "classification": {"enum": ["TLP:CLEAR", "TLP:WHITE"]},
        "reasons": {"type": "array", "items": {"enum": slugs(Reason::ALL, Reason::slug)}},
        "devices": strings(),
        "affected_scs": {"type": "array", "items": {"type": "string", "pattern": "^(DEV|VER|DEP) [0-9]+(\\.[0-9]+)*$"}},
        "requires_new_sc": {"type": "boolean"},
        "urgent": {"type": "boolean"},
        "related": strings(),
        "supersedes": strings(),
        "superseded_by": strings(),
        "last_updated": date(),
        "proposer_organisation": {"type": "string"},
        "sponsor_sec_party": nullable(json!({"type": "string"})),
        "history": {"type": "array", "items": stage},
        "final_decision": nullable(json!({"$ref": "#/$defs/decision"})),
        "decisions": {"type": "array", "items": {"$ref": "#/$defs/decision"}},
    });
    let required: Vec<&String> = properties
        .as_object()
        .map(|m| m.keys().collect())
        .unwrap_or_default();
    json!({"type": "object", "additionalProperties": false, "required": required, "properties": properties})
}

/// `/register.schema.json`: a JSON Schema (2020-12) for `register.json`.
pub fn json_schema(settings: &Settings) -> OutputFile {
    let schema = json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": format!("{}/register.schema.json", settings.base_url),
        "title": format!("{}: register.json", settings.title),
        "type": "object",
        "additionalProperties": false,
        "required": ["schema_version", "title", "base_url", "build_date", "requests"],
        "properties": {
            "schema_version": {"const": SCHEMA_VERSION},
            "title": {"type": "string"},
            "base_url": {"type": "string", "format": "uri"},
            "build_date": date(),
            "requests": {"type": "array", "items": {"$ref": "#/$defs/request"}},
        },
        "$defs": {"request": request_schema(), "decision": decision_schema()},
    });
    pretty("register.schema.json", &schema)
}

fn pretty(path: &str, value: &Value) -> OutputFile {
    let mut bytes = serde_json::to_vec_pretty(value).expect("plain data serialises");
    bytes.push(b'\n');
    OutputFile {
        path: path.into(),
        contents: Contents::Bytes(bytes),
    }
}
