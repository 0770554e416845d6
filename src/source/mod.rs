//! Step 1: reading the content folder into records, as its files say.
//!
//! [`folder`] lists the record files and the files beside them;
//! [`frontmatter`] cuts a record at its `+++` lines; [`record`] reads its
//! front matter key by key into a request or a decision; [`texts`] finds
//! every string of the front matter that can reach an output;
//! [`attachments`] reads the files a folder record lists; [`site`] reads
//! `site.toml` and [`theme`] finds the templates and static files. Nothing
//! here decides what is published: that is `publish`'s one job.

pub(crate) mod attachments;
pub(crate) mod binary;
pub(crate) mod folder;
pub(crate) mod frontmatter;
pub(crate) mod markup;
pub(crate) mod record;
pub mod site;
pub(crate) mod texts;
pub mod theme;
