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
/// use oauth_runtime::{Credential, Secret, key::SigningKey};
/// let id = Credential::from("my-client");
/// let secret = Credential::from(Secret::from("s3cret"));
/// let key = Credential::from(SigningKey::from_pem("-----BEGIN PRIVATE KEY-----\n..."));
/// assert_eq!(format!("{id:?}"), "\"my-client\"");
/// assert_eq!(format!("{secret:?}"), "[REDACTED]");
/// assert!(key.is_secret() && !format!("{key:?}").contains("BEGIN"));
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
    /// A private key that signs assertions (a field of role
    /// [`SigningKey`](crate::provider::Role::SigningKey)); never sent, never shown.
    Key(crate::key::SigningKey),
}

impl Credential {
    /// The value, for putting on the wire (a grant or a client authentication of your own
    /// reads credentials with this; the name says that a secret is exposed here). For a
    /// signing key, which never goes on the wire, a digest that identifies the key and its
    /// settings (what a token store's keys bind): sign with the key itself instead.
    pub fn expose(&self) -> &str {
        match self {
            Credential::Public(s) => s,
            Credential::Secret(s) => s.expose_secret(),
            Credential::Certificate(c) => c.binding(),
            Credential::Key(k) => k.binding(),
        }
    }

    /// Whether the value is secret (a secret or key material).
    pub fn is_secret(&self) -> bool {
        !matches!(self, Credential::Public(_))
    }

    /// Whether the value is key material rather than a string for the wire: such values are
    /// never sent as parameters.
    pub fn is_material(&self) -> bool {
        matches!(self, Credential::Certificate(_) | Credential::Key(_))
    }

    /// The signing key, if this is one.
    pub fn signing_key(&self) -> Option<&crate::key::SigningKey> {
        match self {
            Credential::Key(k) => Some(k),
            _ => None,
        }
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
            Credential::Key(k) => fmt::Debug::fmt(k, f),
        }
    }
}

impl From<crate::key::SigningKey> for Credential {
    fn from(key: crate::key::SigningKey) -> Self {
        Credential::Key(key)
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
    /// calls secret is made a [`Secret`] whatever type it came in. Signing keys are read here
    /// (feature `jwt`), so that bad key material fails the client's build, not a request.
    ///
    /// # Errors
    ///
    /// A message if the counts differ, if a signing key is in a field of another role or a
    /// field of role [`Role::SigningKey`] holds no key, or if a key cannot be read (or the
    /// `jwt` feature, which reads keys, is off); messages about a field name it.
    pub fn new(fields: &'static [FieldSpec], values: Vec<Credential>) -> Result<Credentials, String> {
        if values.len() != fields.len() {
            return Err(format!("{} credential values for {} declared fields", values.len(), fields.len()));
        }
        let values = values
            .into_iter()
            .zip(fields)
            .map(|(c, f)| match (&c, f.role) {
                (Credential::Key(key), Role::SigningKey) => read_key(key, f).map(|()| c),
                (Credential::Key(_), role) => {
                    Err(format!("field `{}` holds a signing key, but its role is {role:?}, not SigningKey", f.name))
                }
                (_, Role::SigningKey) => Err(format!(
                    "field `{}` has the role signing_key: give it a `SigningKey` (from PEM, a JWK or a service-account file)",
                    f.name
                )),
                _ if f.secret && !c.is_secret() => Ok(Credential::from(Secret::from(c.expose()))),
                _ => Ok(c),
            })
            .collect::<Result<_, _>>()?;
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

    /// The secret values (to keep them out of excerpts). A key is never sent, so no answer
    /// can echo it.
    pub(crate) fn secrets(&self) -> impl Iterator<Item = &str> + '_ {
        self.values.iter().filter(|c| matches!(c, Credential::Secret(_))).map(Credential::expose)
    }

    /// The signing key, if a field of role [`Role::SigningKey`] holds one.
    pub fn signing_key(&self) -> Option<&crate::key::SigningKey> {
        self.get(Role::SigningKey).and_then(Credential::signing_key)
    }
}

/// Reads a signing key now, so that a bad one fails here (feature `jwt`); without the feature
/// no key can be used.
fn read_key(key: &crate::key::SigningKey, field: &FieldSpec) -> Result<(), String> {
    #[cfg(feature = "jwt")]
    {
        key.loaded().map(drop).map_err(|e| format!("field `{}`: {e}", field.name))
    }
    #[cfg(not(feature = "jwt"))]
    {
        let _ = key;
        Err(format!(
            "field `{}` holds a signing key, which needs the `jwt` feature of oauth-runtime: \
             `oauth-runtime = {{ version = \"..\", features = [\"jwt\"] }}`",
            field.name
        ))
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
