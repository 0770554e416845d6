//! The register's own words: request types, sources of modification, stages,
//! decision kinds and outcomes, with the slugs records use and the labels
//! readers see. One place, so templates never spell a rule.

use serde::Deserialize;

macro_rules! vocabulary {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident = $slug:literal, $label:literal;)+ }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
        pub enum $name {
            $($(#[$vdoc])* #[serde(rename = $slug)] $variant,)+
        }

        impl $name {
            /// Every value, in the register's order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The value as records and URLs write it.
            pub fn slug(self) -> &'static str {
                match self { $($name::$variant => $slug,)+ }
            }

            /// The value as readers see it.
            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label,)+ }
            }
        }
    };
}

vocabulary! {
    /// The two kinds of proposal the SSC's process accepts (Appendix 2).
    RequestType {
        /// A request to modify the CPA Security Characteristics.
        ScModification = "sc-modification", "SC Modification";
        /// A use case for guidance on Device refurbishment.
        RefurbishmentUseCase = "refurbishment-use-case", "Refurbishment use case";
    }
}

vocabulary! {
    /// The seven sources of modification in section 5 of the methodology.
    Reason {
        /// a) changes in threat and risk assessments.
        NewRiskMitigations = "new-risk-mitigations", "New risk mitigations";
        /// b) updated SMETS and CHTS specifications.
        SpecificationChanges = "specification-changes", "Changes to specifications";
        /// c) changed, deprecated or new standards.
        StandardsChanges = "standards-changes", "Changes to standards";
        /// d) lessons from evaluation, certification and operation.
        LessonsLearned = "lessons-learned", "Lessons learned";
        /// e) new or changed business needs.
        BusinessNeeds = "business-needs", "Business needs";
        /// f) new equipment that needs assurance.
        NewEquipment = "new-equipment", "New equipment requirements";
        /// g) SEC Modifications accepted by the Change Board.
        SecModifications = "sec-modifications", "SEC Modifications";
    }
}

vocabulary! {
    /// The stages of section 6 of the methodology, in process order.
    Stage {
        /// Received by the SSC.
        Submitted = "submitted", "Submitted";
        /// SSC triage of the business need; may repeat with the Proposer.
        Triage = "triage", "Triage";
        /// SSC and NCSC consider validity.
        NcscReview = "ncsc-review", "NCSC review";
        /// CPA Working Groups and industry consultation.
        Refinement = "refinement", "Refinement";
        /// The SSC has decided the final outcome.
        Decided = "decided", "Decided";
    }
}

vocabulary! {
    /// Whether a decision settles the request.
    DecisionKind {
        /// A step on the way: triage, validity, referral, return.
        Interim = "interim", "Interim decision";
        /// The SSC's decision on the final outcome.
        Final = "final", "Final decision";
    }
}

vocabulary! {
    /// What a decision decided.
    Outcome {
        /// Interim: the request moves on.
        Progressed = "progressed", "Progressed";
        /// Interim: back to the Proposer.
        Returned = "returned", "Returned to the Proposer";
        /// Interim: put off.
        Deferred = "deferred", "Deferred";
        /// Final: the SCs change.
        Approved = "approved", "Approved";
        /// Final: no change.
        Rejected = "rejected", "Rejected";
        /// Final: the Proposer withdrew.
        Withdrawn = "withdrawn", "Withdrawn";
    }
}

impl Outcome {
    /// The kind of decision this outcome belongs to.
    pub fn kind(self) -> DecisionKind {
        match self {
            Outcome::Progressed | Outcome::Returned | Outcome::Deferred => DecisionKind::Interim,
            _ => DecisionKind::Final,
        }
    }
}

/// Device kinds every register knows; `site.toml` may add more.
pub const BUILT_IN_DEVICES: &[&str] = &["ESME", "GSME", "CH", "HCALCS", "PPMID"];

/// The built-in device kinds' full names, as the SEC spells them.
pub const BUILT_IN_DEVICE_NAMES: &[(&str, &str)] = &[
    ("ESME", "Electricity Smart Metering Equipment"),
    ("GSME", "Gas Smart Metering Equipment"),
    ("CH", "Communications Hub"),
    ("HCALCS", "HAN Connected Auxiliary Load Control Switch"),
    ("PPMID", "Prepayment Meter Interface Device"),
];

/// The mitigation prefixes and what each group covers.
pub const MITIGATION_GROUPS: &[(&str, &str)] = &[
    ("DEV", "Development mitigations"),
    ("VER", "Verification mitigations"),
    ("DEP", "Deployment mitigations"),
];

/// The three groups of CPA mitigations (section 4 of the methodology).
pub const MITIGATION_PREFIXES: &[&str] = &["DEV", "VER", "DEP"];
