//! Credential values, with secrets kept out of every `Debug` and `Display`.

use std::fmt;

use secrecy::{ExposeSecret, SecretString};

/// A secret string: printed as `[REDACTED]`, zeroed on drop.
///
/// Declare secret credential fields (client secrets, passwords) with this type.
///
/// ```
/// use oauth_runtime::Secret;
/// let s = Secret::from("hunter2");
/// assert!(!format!("{s:?}").contains("hunter2"));
/// ```
pub type Secret = SecretString;

/// One credential value as the generated code hands it to the runtime.
///
/// ```
/// use oauth_runtime::{Credential, Secret};
/// let id = Credential::from("my-client");
/// let secret = Credential::from(Secret::from("s3cret"));
/// assert_eq!(format!("{id:?}"), "\"my-client\"");
/// assert_eq!(format!("{secret:?}"), "[REDACTED]");
/// ```
#[derive(Clone)]
pub enum Credential {
    /// A value that may be shown, such as a client id or user name.
    Public(String),
    /// A value that is never shown.
    Secret(SecretString),
}

impl Credential {
    /// The value, for putting on the wire.
    pub(crate) fn expose(&self) -> &str {
        match self {
            Credential::Public(s) => s,
            Credential::Secret(s) => s.expose_secret(),
        }
    }

    /// Whether the value is secret.
    pub fn is_secret(&self) -> bool {
        matches!(self, Credential::Secret(_))
    }
}

impl fmt::Debug for Credential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Credential::Public(s) => fmt::Debug::fmt(s, f),
            Credential::Secret(_) => f.write_str("[REDACTED]"),
        }
    }
}

impl From<String> for Credential {
    fn from(s: String) -> Self {
        Credential::Public(s)
    }
}

impl From<&str> for Credential {
    fn from(s: &str) -> Self {
        Credential::Public(s.to_owned())
    }
}

impl From<SecretString> for Credential {
    fn from(s: SecretString) -> Self {
        Credential::Secret(s)
    }
}
