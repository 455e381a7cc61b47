//! Credential values, with secrets kept out of every `Debug` and `Display`.

use std::fmt;

use secrecy::{ExposeSecret as _, SecretString};

use crate::provider::{FieldSpec, Role};

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
#[non_exhaustive]
pub enum Credential {
    /// A value that may be shown, such as a client id or user name.
    Public(String),
    /// A value that is never shown.
    Secret(Secret),
    /// Key material: a TLS client certificate and its key (mutual TLS), never shown and
    /// never sent as a parameter.
    Certificate(crate::ClientIdentity),
}

impl Credential {
    /// The value, for putting on the wire (a grant or a client authentication of your own
    /// reads credentials with this; the name says that a secret is exposed here).
    pub fn expose(&self) -> &str {
        match self {
            Credential::Public(s) => s,
            Credential::Secret(s) => s.expose_secret(),
            Credential::Certificate(c) => c.expose(),
        }
    }

    /// Whether the value is secret (key material always is).
    pub fn is_secret(&self) -> bool {
        !matches!(self, Credential::Public(_))
    }

    /// Whether the value is key material rather than a string for the wire: such values are
    /// never sent as parameters.
    pub fn is_material(&self) -> bool {
        matches!(self, Credential::Certificate(_))
    }

    /// The TLS client identity, if this is one.
    pub fn client_identity(&self) -> Option<&crate::ClientIdentity> {
        match self {
            Credential::Certificate(c) => Some(c),
            _ => None,
        }
    }
}

impl fmt::Debug for Credential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Credential::Public(s) => fmt::Debug::fmt(s, f),
            Credential::Secret(s) => fmt::Debug::fmt(s, f),
            Credential::Certificate(c) => fmt::Debug::fmt(c, f),
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

impl From<crate::ClientIdentity> for Credential {
    fn from(c: crate::ClientIdentity) -> Self {
        Credential::Certificate(c)
    }
}

/// A client's credentials by role: each value with the field that declares it (its wire name,
/// its [`Role`], whether it is secret).
///
/// What grants ([`TokenGrant`](crate::grant::TokenGrant)) and client authentications
/// ([`ClientAuthentication`](crate::auth::ClientAuthentication)) read when they build a token
/// request. Values are looked up by role, never by position.
///
/// ```
/// use oauth_runtime::{Credential, Credentials, Secret, provider::*};
/// const FIELDS: &[FieldSpec] = &[FieldSpec::new("clientId", Role::ClientId), FieldSpec::new("clientSecret", Role::ClientSecret)];
/// let creds = Credentials::new(FIELDS, vec![Credential::from("id"), Credential::from(Secret::from("s"))]).unwrap();
/// assert_eq!(creds.value(Role::ClientId), Some("id"));
/// assert_eq!(creds.field(Role::ClientSecret).map(|(f, _)| f.name), Some("clientSecret"));
/// assert!(creds.get(Role::ClientSecret).unwrap().is_secret());
/// assert_eq!(format!("{creds:?}").contains("\"s\""), false);
/// ```
#[derive(Clone)]
pub struct Credentials {
    fields: &'static [FieldSpec],
    values: Vec<Credential>,
}

impl Credentials {
    /// The values of `fields`, one each in the same order; a value of a field the declaration
    /// calls secret is made a [`Secret`] whatever type it came in.
    ///
    /// # Errors
    ///
    /// A message if the counts differ.
    pub fn new(fields: &'static [FieldSpec], values: Vec<Credential>) -> Result<Credentials, String> {
        if values.len() != fields.len() {
            return Err(format!("{} credential values for {} declared fields", values.len(), fields.len()));
        }
        let values = values
            .into_iter()
            .zip(fields)
            .map(|(c, f)| if f.secret && !c.is_secret() { Credential::from(Secret::from(c.expose())) } else { c })
            .collect();
        Ok(Credentials { fields, values })
    }

    /// The first field playing `role`, with its value.
    pub fn field(&self, role: Role) -> Option<(&'static FieldSpec, &Credential)> {
        self.iter().find(|(f, _)| f.role == role)
    }

    /// The value of the first field playing `role`.
    pub fn get(&self, role: Role) -> Option<&Credential> {
        self.field(role).map(|(_, c)| c)
    }

    /// The text of the first field playing `role` (exposed: see [`Credential::expose`]).
    pub fn value(&self, role: Role) -> Option<&str> {
        self.get(role).map(Credential::expose)
    }

    /// Every field with its value, in declaration order.
    pub fn iter(&self) -> impl Iterator<Item = (&'static FieldSpec, &Credential)> + '_ {
        self.fields.iter().zip(&self.values)
    }

    /// The secret values (to keep them out of excerpts).
    pub(crate) fn secrets(&self) -> impl Iterator<Item = &str> + '_ {
        self.values.iter().filter(|c| c.is_secret()).map(Credential::expose)
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter().map(|(field, value)| (field.name, value))).finish()
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
