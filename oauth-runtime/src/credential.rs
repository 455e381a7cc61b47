//! Credential values, with secrets kept out of every `Debug` and `Display`.

use std::fmt;

use secrecy::{ExposeSecret as _, SecretString};

/// A secret string: printed as `[REDACTED]`, zeroed on drop, readable only through
/// [`Secret::expose_secret`].
///
/// Declare secret credential fields (client secrets, passwords) with this type; tokens are
/// handed out as `Secret`s too ([`Token::access_token`](crate::Token::access_token)).
///
/// ```
/// use oauth_runtime::Secret;
/// let s = Secret::from("hunter2");
/// assert_eq!(format!("{s:?}"), "[REDACTED]");
/// assert_eq!(s.expose_secret(), "hunter2");
/// ```
///
/// It has no `Display`, so it cannot end up in a message by accident:
///
/// ```compile_fail
/// let s = oauth_runtime::Secret::from("hunter2");
/// println!("{s}");
/// ```
#[derive(Clone)]
pub struct Secret(SecretString);

impl Secret {
    /// Wraps `value`. The `String` is moved, not copied, so no unzeroed copy is left behind.
    pub fn new(value: impl Into<String>) -> Secret {
        Secret(SecretString::from(value.into()))
    }

    /// The secret text. Each call site that reads a secret says so by calling this.
    pub fn expose_secret(&self) -> &str {
        self.0.expose_secret()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[REDACTED]")
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Secret {
        Secret::new(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Secret {
        Secret::new(value)
    }
}

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
    Secret(Secret),
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
            Credential::Secret(s) => fmt::Debug::fmt(s, f),
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

impl From<Secret> for Credential {
    fn from(s: Secret) -> Self {
        Credential::Secret(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_is_redacted_and_readable() {
        let s = Secret::new(String::from("pa55"));
        let clone = s.clone();
        assert_eq!((s.expose_secret(), clone.expose_secret()), ("pa55", "pa55"));
        assert_eq!(format!("{s:?} {:?}", Credential::from(clone)), "[REDACTED] [REDACTED]");
        assert_eq!(Secret::from("a").expose_secret(), Secret::from(String::from("a")).expose_secret());
    }
}
