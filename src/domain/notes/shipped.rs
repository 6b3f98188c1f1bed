//! Which picks went into which tag: the `Retagged` events folded, so a pick
//! leaves the basket once a re-tag has it (cherry-picked, or found already
//! in the base the tag was built on) and the notes say where it shipped.

use crate::domain::journal::Order;

/// One re-tag as the journal has it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Shipment {
    order: Order,
    repo: String,
    tag: String,
    /// The picks' shas cherry-picked into the tag, in order.
    shipped: Vec<String>,
    /// The picks' shas its base had already.
    skipped: Vec<String>,
}

/// Every re-tag read, kept in the fold order whatever order they arrived
/// in, so a pick is said to ship in the first tag that had it on every
/// cockpit.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Shipments {
    list: Vec<Shipment>,
}

impl Shipments {
    pub fn apply(&mut self, order: Order, repo: &str, tag: &str, shipped: &[String], skipped: &[String]) {
        if self.list.iter().any(|s| s.order == order) {
            return;
        }
        let at = self.list.partition_point(|s| s.order < order);
        let (shipped, skipped) = (shipped.to_vec(), skipped.to_vec());
        self.list.insert(at, Shipment { order, repo: repo.to_string(), tag: tag.to_string(), shipped, skipped });
    }

    /// The first tag of `repo` that has the pick `sha`, if one does.
    pub fn tag_of(&self, repo: &str, sha: &str) -> Option<&str> {
        let has = |s: &Shipment| s.shipped.iter().chain(&s.skipped).any(|x| x == sha);
        self.list.iter().find(|s| s.repo == repo && has(s)).map(|s| s.tag.as_str())
    }

    /// Why a `/pick` of `sha` in `repo` is refused, when a re-tag of this
    /// push already has it: picking it again would leave a basket that no
    /// re-tag can empty (the journal says it shipped).
    pub fn pick_refusal(&self, repo: &str, sha: &str) -> Option<String> {
        let tag = self.tag_of(repo, sha)?;
        let short = &sha[..sha.len().min(12)];
        Some(format!("/pick: {short} already shipped in {tag} ({repo}, re-tagged): nothing to pick, nothing recorded"))
    }

    /// The picks `(cherry-picked, already in the base)` of `repo`'s tag `tag`.
    pub fn of_tag(&self, repo: &str, tag: &str) -> Option<(&[String], &[String])> {
        let s = self.list.iter().find(|s| s.repo == repo && s.tag == tag)?;
        Some((&s.shipped, &s.skipped))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pick_ships_in_the_first_re_tag_by_the_fold_order_whatever_arrived_first() {
        let order = |clock| Order { clock, replica: "r".into(), id: format!("e{clock}") };
        let sha = vec!["a".repeat(40)];
        let mut s = Shipments::default();
        s.apply(order(9), "web", "2026.11.26-2", &[], &sha);
        s.apply(order(3), "web", "2026.11.26-1", &sha, &[]);
        s.apply(order(3), "web", "2026.11.26-1", &sha, &[]);
        assert_eq!(s.tag_of("web", &sha[0]), Some("2026.11.26-1"));
        assert_eq!(s.tag_of("lib", &sha[0]), None, "per repository");
        assert_eq!(s.of_tag("web", "2026.11.26-2"), Some((&[][..], &sha[..])));
        assert_eq!(s.list.len(), 2, "one line read twice is one re-tag");
        let why = s.pick_refusal("web", &sha[0]).unwrap();
        assert!(why.contains("aaaaaaaaaaaa already shipped in 2026.11.26-1 (web"), "{why}");
        assert!(why.ends_with("nothing recorded"), "{why}");
        assert_eq!(s.pick_refusal("lib", &sha[0]), None);
    }
}
