//! `register`: a static site generator for a public register of requests and
//! their decisions, first built for the register of CPA Security
//! Characteristics Modification Requests and Device refurbishment use cases.
//!
//! The folders are the pipeline, one step each:
//!
//! 1. [`source`]: read the content folder into records, as the files say;
//! 2. [`check`]: every rule within and across records, and the screen every
//!    published text passes (no personal data, no withheld id);
//! 3. [`publish`]: the publication filter, the only source of a
//!    [`publish::PublicRegister`];
//! 4. [`render`]: pages, feed and exports from the public register alone;
//! 5. [`output`]: write the site, swapping it in only when complete.
//!
//! [`build`] runs the steps for `register build`, `check` and [`serve`]
//! (the local preview); [`scaffold`] writes new sites and records. [`model`]
//! is the register's vocabulary, and [`diagnostic`] the problems every step
//! reports.

pub mod build;
pub mod check;
pub mod diagnostic;
pub mod error;
pub mod model;
pub mod output;
pub mod publish;
pub mod render;
pub mod scaffold;
pub mod serve;
pub mod source;

/// The functions the fuzz targets in `fuzz/` drive, under one roof: not an
/// API, only a stable place for them to reach the parsers, the screen and
/// the renderer without every module being public.
#[doc(hidden)]
pub mod fuzzing {
    pub use crate::check::screen::{DeclaredValue, Finding, Scope, Screen, scan_as_read};
    pub use crate::publish::passages::strip;
    pub use crate::render::links::{LinkPolicy, PublicTarget};
    pub use crate::render::markdown::{PageLinks, record_links, render};
    pub use crate::source::folder::{RecordKind, SourceFile};
    pub use crate::source::frontmatter::split;
    pub use crate::source::record::{Record, parse};
}
