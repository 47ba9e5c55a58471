//! The options of a choice, by value.

use std::iter::Map;
use std::slice;

use super::OptionValue;

/// The options of a choice, sorted by value: a list, where a map would give
/// each of a package's thousands of small local choices a node of eleven slots.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Options(Box<[OptionValue]>);

type Pair<'a> = (&'a i64, &'a OptionValue);

fn pair(option: &OptionValue) -> Pair<'_> {
    (&option.value, option)
}

impl Options {
    pub fn get(&self, value: &i64) -> Option<&OptionValue> {
        self.0
            .binary_search_by_key(value, |o| o.value)
            .ok()
            .map(|at| &self.0[at])
    }

    pub fn contains_key(&self, value: &i64) -> bool {
        self.get(value).is_some()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The options and their values, by value.
    pub fn iter(&self) -> Map<slice::Iter<'_, OptionValue>, fn(&OptionValue) -> Pair<'_>> {
        self.0.iter().map(pair as fn(&OptionValue) -> Pair<'_>)
    }

    pub fn keys(&self) -> impl Iterator<Item = &i64> + '_ {
        self.0.iter().map(|o| &o.value)
    }

    pub fn values(&self) -> slice::Iter<'_, OptionValue> {
        self.0.iter()
    }
}

/// Options in any order; the first of two with one value is kept.
impl FromIterator<OptionValue> for Options {
    fn from_iter<I: IntoIterator<Item = OptionValue>>(options: I) -> Self {
        let mut options: Vec<OptionValue> = options.into_iter().collect();
        options.sort_by_key(|o| o.value);
        options.dedup_by_key(|o| o.value);
        Self(options.into_boxed_slice())
    }
}

impl<'a> IntoIterator for &'a Options {
    type Item = Pair<'a>;
    type IntoIter = Map<slice::Iter<'a, OptionValue>, fn(&'a OptionValue) -> Pair<'a>>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter().map(pair as fn(&'a OptionValue) -> Pair<'a>)
    }
}
