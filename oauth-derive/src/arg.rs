//! What reading an attribute yields: a value with the span it was written at, and an argument
//! that may be absent, unreadable, or given.

use darling::FromMeta;
use proc_macro2::Span;
use syn::Meta;

use crate::ctxt::Ctxt;

/// A value and where it was written.
#[derive(Clone, Debug)]
pub(crate) struct Sp<T> {
    pub value: T,
    pub span: Span,
}

impl<T> Sp<T> {
    pub(crate) fn new(value: T, span: Span) -> Self {
        Sp { value, span }
    }
}

/// One argument of an attribute.
#[derive(Clone, Debug, Default)]
pub(crate) enum Arg<T> {
    /// Not written: its default applies.
    #[default]
    Absent,
    /// Written but unreadable, or possibly written under a misspelt key. Already reported;
    /// rules that depend on it stay silent rather than guess.
    Bad,
    /// Written and read.
    Given(Sp<T>),
}

impl<T> Arg<T> {
    /// The value, if it was written and read.
    pub(crate) fn given(&self) -> Option<&Sp<T>> {
        match self {
            Arg::Given(v) => Some(v),
            _ => None,
        }
    }

    /// Whether it is certainly not written.
    pub(crate) fn is_absent(&self) -> bool {
        matches!(self, Arg::Absent)
    }

    /// The value in force: the one written, the default, or `None` if unknown.
    pub(crate) fn or_default(&self, default: T) -> Option<T>
    where
        T: Clone,
    {
        match self {
            Arg::Absent => Some(default),
            Arg::Bad => None,
            Arg::Given(v) => Some(v.value.clone()),
        }
    }

    /// Reads the argument from `meta`, reporting a bad value.
    pub(crate) fn read(meta: &Meta, cx: &mut Ctxt) -> Self
    where
        Sp<T>: FromMeta,
    {
        match Sp::<T>::from_meta(meta) {
            Ok(v) => Arg::Given(v),
            Err(e) => {
                cx.darling(e);
                Arg::Bad
            }
        }
    }

    /// Makes an unwritten argument unknown: used when a key could not be read, since it may
    /// have been this one misspelt.
    pub(crate) fn forget_if_absent(&mut self) {
        if self.is_absent() {
            *self = Arg::Bad;
        }
    }
}
