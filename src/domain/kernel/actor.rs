//! Who acts: the person at the keyboard and the part they play. A leaf:
//! the journal, the checklist and the model all name people.

/// The part a person plays in the push; items of the checklist belong to one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Release manager.
    Rm,
    Qa,
    Ops,
    Dev,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Rm => "rm",
            Role::Qa => "qa",
            Role::Ops => "ops",
            Role::Dev => "dev",
        }
    }
}

/// A role name that is none of the four; `0` is the name as read (trimmed,
/// lower case).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a role (rm, qa, ops or dev)")]
pub struct UnknownRole(pub String);

impl std::str::FromStr for Role {
    type Err = UnknownRole;
    fn from_str(s: &str) -> Result<Self, UnknownRole> {
        match s.trim().to_ascii_lowercase().as_str() {
            "rm" => Ok(Role::Rm),
            "qa" => Ok(Role::Qa),
            "ops" => Ok(Role::Ops),
            "dev" => Ok(Role::Dev),
            other => Err(UnknownRole(other.to_string())),
        }
    }
}

/// Who is at the keyboard; shown in the header and stamped on what they do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub name: String,
    pub role: Role,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unknown_role_is_named_as_read() {
        assert_eq!(" QA ".parse::<Role>(), Ok(Role::Qa));
        assert_eq!(" Boss ".parse::<Role>().unwrap_err().to_string(), "`boss` is not a role (rm, qa, ops or dev)");
    }
}
