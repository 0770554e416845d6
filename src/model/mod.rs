//! The register's vocabulary: what its words mean, apart from any file.
//!
//! Request types, sources of modification, stages, decision kinds and
//! outcomes ([`vocabulary`]); TLP labels ([`classification`]); where a
//! request stands on a given day ([`status`]); calendar dates ([`date`]).

pub mod classification;
pub mod date;
pub mod status;
pub mod vocabulary;
