//! Dense indices for resource types, so per-type counters are plain vectors.
//!
//! Resource types are an open set; the analyzer gives each type it meets a small
//! index the first time it appears (well-known types by a table lookup, named types
//! by a hash lookup). Indices depend on the order types appear in, so they must
//! never reach a report: reports key everything by the type's resolved name.

use crate::event::{FIRST_NAME_CODE, Name, Names, ResourceType};

use super::hashing::FxHashMap;

const UNASSIGNED: u16 = u16::MAX;
/// Memory cap: types beyond this many share one overflow index.
const MAX_TYPES: usize = 4_096;
/// The type every type beyond [`MAX_TYPES`] is counted as.
pub(crate) const OVERFLOW_TYPE: ResourceType = ResourceType::Other(Name(u32::MAX));

/// The types met so far and their dense indices.
#[derive(Clone, Debug)]
pub(crate) struct TypeTable {
    well_known: [u16; FIRST_NAME_CODE as usize],
    named: FxHashMap<Name, u16>,
    types: Vec<ResourceType>,
}

impl Default for TypeTable {
    fn default() -> Self {
        Self {
            well_known: [UNASSIGNED; FIRST_NAME_CODE as usize],
            named: FxHashMap::default(),
            types: Vec::new(),
        }
    }
}

impl TypeTable {
    /// The index of `ty`, assigning the next one if it is new.
    #[inline]
    pub(crate) fn index(&mut self, ty: ResourceType) -> u16 {
        let name = match ty {
            ResourceType::Other(name) => name,
            known => {
                // Well-known codes are below FIRST_NAME_CODE (named ones never reach here,
                // so `code` cannot overflow).
                let code = (known.code() as usize).min(FIRST_NAME_CODE as usize - 1);
                let slot = self.well_known[code];
                if slot != UNASSIGNED {
                    return slot;
                }
                let index = self.assign(ty);
                self.well_known[code] = index;
                return index;
            }
        };
        if let Some(&index) = self.named.get(&name) {
            return index;
        }
        let index = self.assign(ty);
        self.named.insert(name, index);
        index
    }

    #[cold]
    fn assign(&mut self, ty: ResourceType) -> u16 {
        if self.types.len() + 1 >= MAX_TYPES {
            if let Some(index) = self.types.iter().position(|t| *t == OVERFLOW_TYPE) {
                return index as u16;
            }
            self.types.push(OVERFLOW_TYPE);
            return (self.types.len() - 1) as u16;
        }
        self.types.push(ty);
        (self.types.len() - 1) as u16
    }

    /// The type with index `index`.
    pub(crate) fn get(&self, index: u16) -> ResourceType {
        self.types
            .get(index as usize)
            .copied()
            .unwrap_or(ResourceType::Other(Name(u32::MAX)))
    }

    /// How many types have an index.
    pub(crate) fn len(&self) -> usize {
        self.types.len()
    }

    /// The names of the types met so far, as reports print them.
    pub(crate) fn names<'a>(&'a self, names: &'a Names) -> impl Iterator<Item = String> + 'a {
        self.types.iter().map(move |ty| type_name(*ty, names))
    }
}

/// The display name of a resource type, as every report spells it (a named type
/// that was never announced reads `#<index>`).
///
/// # Example
/// ```
/// use gpu_ledger::analysis::type_name;
/// use gpu_ledger::{Name, Names, ResourceType};
///
/// let names = Names::new();
/// assert_eq!(type_name(ResourceType::CommandQueue, &names), "CommandQueue");
/// assert_eq!(type_name(ResourceType::Other(Name(3)), &names), "#3");
/// ```
pub fn type_name(ty: ResourceType, names: &Names) -> String {
    match ty {
        OVERFLOW_TYPE => "(other types)".to_owned(),
        other => other.resolve(names).into_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indices_are_dense_and_stable() {
        let mut table = TypeTable::default();
        let q = table.index(ResourceType::CommandQueue);
        let blur = table.index(ResourceType::Other(Name(4)));
        assert_eq!((q, blur), (0, 1));
        assert_eq!(table.index(ResourceType::CommandQueue), 0);
        assert_eq!(table.index(ResourceType::Other(Name(4))), 1);
        assert_eq!(table.get(1), ResourceType::Other(Name(4)));
        let mut names = Names::new();
        names.define(Name(4), "BlurScratch");
        assert_eq!(type_name(table.get(1), &names), "BlurScratch");
        assert_eq!(type_name(ResourceType::Other(Name(9)), &names), "#9");
    }
}
