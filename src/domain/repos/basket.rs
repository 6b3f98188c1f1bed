//! A re-tag from the pick basket as the confirm, the request and the
//! answer carry it: types only, so the dialogs and the messages can hold
//! them without the handlers (`retag.rs`).

/// What a re-tag from the basket will do, exactly as the confirm shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetagPlan {
    pub repo: usize,
    pub name: String,
    /// The tag the picks are cherry-picked onto.
    pub base: String,
    /// The tag made.
    pub tag: String,
    /// The base is the previous push's tag: the tag made is this push's first.
    pub first: bool,
    /// `(full sha, summary)`, in the order they are cherry-picked.
    pub picks: Vec<(String, String)>,
}

/// What git built: the tag's commit, and the picks' shas cherry-picked
/// (in order) and skipped as already in the base.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetagBuilt {
    pub base: String,
    pub commit: String,
    pub shipped: Vec<String>,
    pub skipped: Vec<String>,
}
