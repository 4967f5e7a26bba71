//! The definitions section of a report: the parameters it was computed with, as a
//! report prints them (clamped, durations in milliseconds, names resolved).
//!
//! Part of the JSON contract (`docs/report-schema.md`): two reports are only
//! comparable when this section is the same in both. Its fields are generated from
//! the one table of definitions that also generates
//! [`Definitions`](crate::analysis::Definitions), so each definition is declared
//! once.

#[cfg(feature = "json")]
use serde::Serialize;

use crate::analysis::fold::definitions::{Definitions, definitions_table};
use crate::analysis::fold::owners::kind_name;
use crate::analysis::fold::types::type_name;
use crate::analysis::report::numbers::{ms, round3};
use crate::event::Names;

/// Generates [`DefinitionsReport`] and its constructor from the table.
macro_rules! report_section {
    ($(
        $(#[doc = $doc:literal])*
        $field:ident: $ty:ty = $default:expr
            => $report_field:ident: $report_ty:ty = |$d:ident, $names:ident| $value:expr;
    )*) => {
        /// The definitions a report was computed with: each field is the
        /// [`Definitions`] field of the same meaning as the analysis applied it
        /// (clamped to its minimum, durations in milliseconds rounded to the
        /// microsecond, owner kinds and types by name).
        #[derive(Clone, Debug, Default, PartialEq)]
        #[cfg_attr(feature = "json", derive(Serialize))]
        #[non_exhaustive]
        pub struct DefinitionsReport {
            $(
                #[doc = concat!("[`Definitions::", stringify!($field), "`], as the analysis applied it.")]
                pub $report_field: $report_ty,
            )*
        }

        impl DefinitionsReport {
            /// `defs` as a report prints them, names resolved in `names`.
            pub(crate) fn new(defs: &Definitions, names: &Names) -> Self {
                Self {
                    $( $report_field: {
                        let ($d, $names) = (defs, names);
                        $value
                    }, )*
                }
            }
        }
    };
}

definitions_table!(report_section);
