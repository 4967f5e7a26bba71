//! [`Names`]: the table that gives [`Name`]s their strings, looked up both ways
//! in constant time.
//!
//! Producers (the recorder, log importers, trace readers) intern a string once
//! per new value and sinks define names by index as streams announce them. Both
//! happen once per distinct name, but a log or a C host can bring tens of
//! thousands of them, so neither may cost time linear in the table: texts are
//! found by hash, and a name defined far beyond the others (an untrusted trace
//! may define any `u32` index) costs one entry, never a gap of that size. This
//! module must never allocate in proportion to an index it is given, only to
//! the names actually defined.

use std::collections::{BTreeMap, BTreeSet, HashMap, btree_map};

use super::Name;

/// The table that gives [`Name`]s their strings.
///
/// Indices are usually dense (interning hands out 0, 1, 2, ...), but any `u32`
/// index may be defined: a table filled from a trace keeps exactly the indices
/// the trace used. Looking a name up, interning a text and defining a name each
/// take constant time (amortised), whatever the table's size.
///
/// # Example
///
/// ```
/// use gpu_ledger::{Name, Names};
///
/// let mut names = Names::new();
/// let blur = names.intern("BlurScratch");
/// assert_eq!(names.intern("BlurScratch"), blur, "the same text, the same name");
/// assert_eq!(names.get(blur), Some("BlurScratch"));
///
/// // A trace may define any index; the ones in between stay undefined.
/// names.define(Name(4_000_000_000), "FarAway");
/// assert_eq!(names.get(Name(4_000_000_000)), Some("FarAway"));
/// assert_eq!(names.get(Name(7)), None);
/// assert_eq!(names.len(), 2);
/// ```
#[derive(Clone, Debug, Default)]
pub struct Names {
    /// Texts of indices below `dense.len()`; `None` for undefined ones.
    dense: Vec<Option<Box<str>>>,
    /// Texts of indices at or above `dense.len() + 1`, kept apart so that a
    /// far index costs one entry. Never holds `dense.len()` itself, so
    /// [`Names::intern`] can always append there.
    sparse: BTreeMap<u32, Box<str>>,
    /// How many indices are defined.
    count: usize,
    /// The indices defined with each text, for interning by hash.
    by_text: HashMap<Box<str>, Indices>,
}

/// The indices that share one text (almost always exactly one).
#[derive(Clone, Debug)]
enum Indices {
    One(u32),
    Many(BTreeSet<u32>),
}

impl Indices {
    fn lowest(&self) -> u32 {
        match self {
            Indices::One(i) => *i,
            // A `Many` always holds at least two indices.
            Indices::Many(set) => set.first().copied().unwrap_or(u32::MAX),
        }
    }
}

/// Growing the dense part to reach an index costs at most this many undefined
/// slots beyond twice the names defined, so memory follows the names, not the
/// indices.
const DENSE_SLACK: usize = 1024;

impl Names {
    /// An empty table.
    pub fn new() -> Self {
        Self::default()
    }

    /// The string for `name`, if it has been defined.
    pub fn get(&self, name: Name) -> Option<&str> {
        match self.dense.get(name.0 as usize) {
            Some(slot) => slot.as_deref(),
            None => self.sparse.get(&name.0).map(|text| &**text),
        }
    }

    /// Defines `name` as `text`, replacing any earlier text. Other indices are
    /// not touched: defining index `n` does not define the ones below it.
    pub fn define(&mut self, name: Name, text: &str) {
        let index = name.0 as usize;
        let next = self.dense.len();
        if index >= next && (index == next || index < 2 * self.count + DENSE_SLACK) {
            self.grow_dense(index + 1);
        }
        let old = match self.dense.get_mut(index) {
            Some(slot) => slot.replace(text.into()),
            None => self.sparse.insert(name.0, text.into()),
        };
        match old {
            Some(old) if &*old == text => return,
            Some(old) => self.unindex(&old, name.0),
            None => self.count += 1,
        }
        self.index(text, name.0);
    }

    /// The name defined as `text` (the lowest index, if several are), found by hash.
    pub fn find(&self, text: &str) -> Option<Name> {
        self.by_text.get(text).map(|indices| Name(indices.lowest()))
    }

    /// Whether more than one index is defined as `text`.
    #[cfg_attr(not(feature = "json"), allow(dead_code))]
    pub(crate) fn is_shared(&self, text: &str) -> bool {
        matches!(self.by_text.get(text), Some(Indices::Many(_)))
    }

    /// The existing name for `text` (the lowest index defined with it), or a
    /// new one appended to the table.
    ///
    /// Found by hash: interning costs the same with 10 or 10 million names.
    pub fn intern(&mut self, text: &str) -> Name {
        if let Some(name) = self.find(text) {
            return name;
        }
        // `sparse` never holds `dense.len()`, so that index is free. A table
        // cannot hold 2^32 names in memory, so the index fits.
        let index = self.dense.len() as u32;
        self.grow_dense(self.dense.len() + 1);
        self.dense[index as usize] = Some(text.into());
        self.count += 1;
        self.index(text, index);
        Name(index)
    }

    /// How many names are defined.
    pub fn len(&self) -> usize {
        self.count
    }

    /// Whether no name is defined.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// All defined names with their texts, in index order.
    ///
    /// Skipping the first `n` (`iter().skip(n)`, how producers send only the
    /// names added since their last look) takes constant time when no index
    /// below the table's highest is undefined, as in every interned table.
    pub fn iter(&self) -> impl Iterator<Item = (Name, &str)> {
        Iter {
            dense: &self.dense,
            pos: 0,
            gapless: self.sparse.is_empty() && self.count == self.dense.len(),
            sparse: self.sparse.iter(),
        }
    }

    /// Extends the dense part to `len` slots, moving the sparse entries it now covers.
    fn grow_dense(&mut self, len: usize) {
        self.dense.resize(len, None);
        // Keep `dense.len()` itself out of `sparse` too (see the field).
        while let Some(entry) = self.sparse.first_entry() {
            let at = *entry.key() as usize;
            if at > self.dense.len() {
                break;
            }
            let text = entry.remove();
            if at == self.dense.len() {
                self.dense.push(Some(text));
            } else {
                self.dense[at] = Some(text);
            }
        }
    }

    fn index(&mut self, text: &str, index: u32) {
        match self.by_text.get_mut(text) {
            None => {
                self.by_text.insert(text.into(), Indices::One(index));
            }
            Some(Indices::One(other)) => {
                let set = BTreeSet::from([*other, index]);
                self.by_text.insert(text.into(), Indices::Many(set));
            }
            Some(Indices::Many(set)) => {
                set.insert(index);
            }
        }
    }

    fn unindex(&mut self, text: &str, index: u32) {
        let Some(indices) = self.by_text.get_mut(text) else {
            return;
        };
        match indices {
            Indices::One(_) => {
                self.by_text.remove(text);
            }
            Indices::Many(set) => {
                set.remove(&index);
                if set.len() == 1 {
                    *indices = Indices::One(set.first().copied().unwrap_or(index));
                }
            }
        }
    }
}

impl PartialEq for Names {
    /// Tables are equal when they define the same indices with the same texts.
    fn eq(&self, other: &Self) -> bool {
        self.count == other.count && self.iter().eq(other.iter())
    }
}

impl Eq for Names {}

/// [`Names::iter`]'s iterator.
struct Iter<'a> {
    dense: &'a [Option<Box<str>>],
    pos: usize,
    /// Every dense slot is defined and nothing is sparse: `nth` can jump.
    gapless: bool,
    sparse: btree_map::Iter<'a, u32, Box<str>>,
}

impl<'a> Iterator for Iter<'a> {
    type Item = (Name, &'a str);

    fn next(&mut self) -> Option<Self::Item> {
        while let Some(slot) = self.dense.get(self.pos) {
            let index = self.pos as u32;
            self.pos += 1;
            if let Some(text) = slot {
                return Some((Name(index), text));
            }
        }
        self.sparse
            .next()
            .map(|(&index, text)| (Name(index), &**text))
    }

    fn nth(&mut self, n: usize) -> Option<Self::Item> {
        if self.gapless {
            self.pos = self.pos.saturating_add(n).min(self.dense.len());
            return self.next();
        }
        for _ in 0..n {
            self.next()?;
        }
        self.next()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intern_finds_existing_texts_and_appends_new_ones() {
        let mut names = Names::new();
        let a = names.intern("a");
        let b = names.intern("b");
        assert_eq!((a, b), (Name(0), Name(1)));
        assert_eq!(names.intern("a"), a);
        assert_eq!(names.len(), 2);
    }

    #[test]
    fn far_indices_cost_one_entry_and_keep_intern_clear_of_them() {
        let mut names = Names::new();
        names.define(Name(u32::MAX), "last");
        names.define(Name(1), "one");
        assert!(names.dense.len() <= DENSE_SLACK, "{}", names.dense.len());
        assert_eq!(names.get(Name(u32::MAX)), Some("last"));
        assert_eq!(names.get(Name(0)), None);
        // Interning appends after the dense part, never onto a defined index.
        let new = names.intern("new");
        assert_eq!(new, Name(2));
        assert_eq!(
            names.iter().collect::<Vec<_>>(),
            vec![(Name(1), "one"), (Name(2), "new"), (Name(u32::MAX), "last")]
        );
    }

    #[test]
    fn sparse_entries_move_into_the_dense_part_as_it_grows() {
        let mut names = Names::new();
        names.define(Name(5000), "far");
        for i in 0..5000 {
            names.define(Name(i), "x");
        }
        assert!(names.sparse.is_empty());
        assert_eq!(names.intern("far"), Name(5000));
        assert_eq!(names.intern("y"), Name(5001));
        assert_eq!(names.len(), 5002);
    }

    #[test]
    fn redefining_keeps_the_text_index_exact() {
        let mut names = Names::new();
        names.define(Name(0), "twin");
        names.define(Name(3), "twin");
        assert_eq!(names.intern("twin"), Name(0));
        names.define(Name(0), "other");
        assert_eq!(names.intern("twin"), Name(3));
        names.define(Name(3), "gone");
        assert_eq!(names.intern("twin"), Name(4), "no index holds it any more");
        assert_eq!(names.intern("other"), Name(0));
    }

    #[test]
    fn equal_tables_compare_equal_however_they_were_built() {
        let mut a = Names::new();
        let mut b = Names::new();
        for i in 0..5 {
            a.define(Name(i), "n");
        }
        a.define(Name(1030), "far");
        b.define(Name(1030), "far");
        for i in 0..5 {
            b.define(Name(i), "n");
        }
        assert_eq!(a, b);
        b.define(Name(2), "m");
        assert_ne!(a, b);
    }

    #[test]
    fn skipping_an_interned_prefix_jumps() {
        let mut names = Names::new();
        for i in 0..100 {
            names.intern(&i.to_string());
        }
        let rest: Vec<_> = names.iter().skip(98).collect();
        assert_eq!(rest, vec![(Name(98), "98"), (Name(99), "99")]);
        assert_eq!(names.iter().nth(100), None);
        names.define(Name(200), "gap before me");
        let rest: Vec<_> = names.iter().skip(99).collect();
        assert_eq!(rest, vec![(Name(99), "99"), (Name(200), "gap before me")]);
    }
}
