//! The organization's projects: one per service, their ids and the list.

use serde_json::{Value, json};

/// The first project's id; project `i` has this plus `i`.
pub const FIRST_PROJECT_ID: u64 = 4_500_000_000_000_001;

/// Project `index`'s numeric id, as Sentry writes it (a string).
pub fn project_id(index: usize) -> String {
    (FIRST_PROJECT_ID + index as u64).to_string()
}

/// The index of the project with this id, among `projects` projects.
pub fn project_index(id: &str, projects: usize) -> Option<usize> {
    let i = id.trim().parse::<u64>().ok()?.checked_sub(FIRST_PROJECT_ID)?;
    usize::try_from(i).ok().filter(|i| *i < projects)
}

/// A Sentry platform for a demo service.
pub fn platform(service: &str) -> &'static str {
    match service {
        "addons-server" | "addons-search" => "python-django",
        "addons-frontend" | "addons-code-manager" => "javascript-react",
        "addons-linter" | "addons-blog" => "node",
        "addons-nginx" | "addons-cdn" => "other",
        _ => "python",
    }
}

/// The organization's project list.
pub fn projects_body(services: &[String]) -> Value {
    Value::Array(
        services
            .iter()
            .enumerate()
            .map(|(i, name)| {
                json!({
                    "id": project_id(i),
                    "slug": name,
                    "name": name,
                    "platform": platform(name),
                    "dateCreated": "2019-03-12T10:24:51.208413Z",
                    "isBookmarked": false,
                    "isMember": true,
                    "hasAccess": true,
                    "status": "active",
                })
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use super::*;

    #[test]
    fn project_ids_and_the_list() {
        assert_eq!(project_id(0), "4500000000000001");
        assert_eq!(project_id(7), "4500000000000008");
        assert_eq!(project_index("4500000000000008", 8), Some(7));
        assert_eq!(project_index("4500000000000009", 8), None);
        assert_eq!(project_index("12", 8), None);
        let list = projects_body(&story(3).services);
        assert_eq!(list.as_array().map(Vec::len), Some(3));
        assert_eq!(list[0]["id"], "4500000000000001");
        assert_eq!(list[0]["slug"], "addons-server");
        assert_eq!(list[1]["platform"], "javascript-react");
    }
}
