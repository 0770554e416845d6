//! `register`: a static site generator for a public register of requests and
//! their decisions, first built for the register of CPA Security
//! Characteristics Modification Requests and Device refurbishment use cases.
//!
//! The pipeline, one module a step:
//!
//! 1. [`load`]: read record files from the content folder;
//! 2. [`record`] and [`validate`]: read their fields and check every rule;
//! 3. [`public`]: the publication filter, the only source of a
//!    [`public::PublicRegister`];
//! 4. [`render`]: pages, feed and exports from the public register alone;
//! 5. [`output`]: write the site, swapping it in only when complete.
//!
//! [`pipeline`] runs the steps for `build` and for [`serve`] (the local
//! preview); [`scaffold`] writes new records for `register new`. The rest
//! are the register's vocabulary ([`vocabulary`], [`classification`],
//! [`status`], [`date`]) and the parts the steps share ([`frontmatter`],
//! [`passages`], [`markdown`], [`diagnostic`], [`site`], [`theme`],
//! [`progress`]).

pub mod attachments;
pub mod classification;
pub mod date;
pub mod diagnostic;
pub mod frontmatter;
pub mod links;
pub mod load;
pub mod markdown;
pub mod output;
pub mod passages;
pub mod pipeline;
pub mod progress;
pub mod public;
pub mod published;
pub mod record;
pub mod render;
pub mod scaffold;
pub mod screen;
pub mod serve;
pub mod site;
pub mod status;
pub mod texts;
pub mod theme;
pub mod validate;
pub mod vocabulary;
pub mod withheld;
