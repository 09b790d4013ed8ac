//! Secret values by type: a [`Secret`] cannot be printed by accident.
//!
//! Why a type and not hand-written `Debug` impls on each struct holding a password: those impls
//! drift (a new field is printed by the derived default), while a field of this type redacts
//! itself wherever it ends up, in a `{:?}` of a command, a settings struct, an error. Reading the
//! value takes an explicit [`Secret::expose`], so every place that hands it on (an environment
//! variable for Terraform, an `AUTH` command, a SigV4 key) is visible in the source. The memory is
//! wiped on drop (`zeroize`, already in the tree through rustls). It has no `Serialize`: it cannot
//! reach a `--json` event, the journal or a preset.

use zeroize::Zeroize;

/// A secret string: `Debug` and `Display` print `***`.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The value itself, for the one place that must hand it on.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The value for editing in place (the wizard's masked fields).
    pub fn expose_mut(&mut self) -> &mut String {
        &mut self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl From<String> for Secret {
    fn from(s: String) -> Self {
        Self(s)
    }
}

impl From<&str> for Secret {
    fn from(s: &str) -> Self {
        Self(s.to_string())
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("***")
    }
}

impl std::fmt::Display for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("***")
    }
}

impl Drop for Secret {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_display_redact_and_expose_reads() {
        let s = Secret::new("hunter2");
        assert_eq!(
            format!("{s:?} {s} {:?}", Some(s.clone())),
            "*** *** Some(***)"
        );
        assert_eq!(s.expose(), "hunter2");
        let pair = ("SCW_SECRET_KEY".to_string(), s);
        assert!(!format!("{pair:?} {pair:#?}").contains("hunter2"));
    }
}
