//! A call refused for its scopes: before it was sent, because the person's grant lacks a scope
//! the call declares, or by the API, with RFC 6750's `insufficient_scope`.

use std::fmt;

use crate::ApiError;

/// A call that needs a scope its token does not carry ([`Error::Scope`](crate::Error::Scope)).
///
/// Two cases, told apart by [`ScopeError::answer`]:
///
/// - **not sent** (`answer` is `None`): the call declares scopes
///   ([`ApiRequest::require_scopes`](crate::ApiRequest::require_scopes), an operation's
///   `scopes = ".."`), the client's grant needs a person (authorization code, device, a
///   refresh token obtained elsewhere), and the token response said which scopes were granted,
///   without one of them. A person's consent covers the scopes asked for when they authorized,
///   so the client neither starts a new authorization on its own nor sends a token it knows
///   falls short: ask for the [`missing`](ScopeError::missing) scopes at authorization (the
///   scope of the handle that calls [`authorize`](crate::Client::authorize) or
///   [`authorize_device`](crate::Client::authorize_device)) and have the person authorize again.
/// - **refused by the API** (`answer` is `Some`): the API answered with a `WWW-Authenticate`
///   challenge whose `error` is `insufficient_scope` (RFC 6750 section 3.1; a 403, or a 401
///   from some vendors). `missing` holds the scopes its `scope` attribute names, if it names
///   any; the answer keeps the status, the headers and the vendor's error body.
///
/// Both are rejections ([`Error::is_rejection`](crate::Error::is_rejection)): the same call
/// fails again until the grant changes.
///
/// ```
/// use oauth_runtime::Error;
/// # fn check(err: Error) {
/// if let Error::Scope(scope) = &err {
///     match &scope.answer {
///         None => eprintln!("authorize again, asking also for {:?}", scope.missing),
///         Some(api) => eprintln!("the API wants more (HTTP {}): {:?}", api.status, scope.missing),
///     }
/// }
/// # }
/// ```
#[derive(Clone)]
#[non_exhaustive]
pub struct ScopeError {
    /// Vendor name.
    pub vendor: &'static str,
    /// The operation's name, for calls made through a declared operation.
    pub operation: Option<&'static str>,
    /// The scopes the call declared it needs, each once; empty for a call that declared none.
    pub required: Vec<&'static str>,
    /// Not sent: the required scopes the grant lacks. Refused: the scopes the API's challenge
    /// names (possibly none).
    pub missing: Vec<String>,
    /// Not sent: the scopes the token response said were granted. `None` when refused.
    pub granted: Option<Vec<String>>,
    /// The API's answer, when it refused the call; `None` when the call was not sent.
    pub answer: Option<ApiError>,
    /// Whether the client's grant needs a person, for the advice of the message.
    pub(crate) person: bool,
}

impl ScopeError {
    /// A call not sent: `required` and the `granted` scopes, which lack `missing`.
    pub(crate) fn not_granted(
        vendor: &'static str,
        operation: Option<&'static str>,
        required: Vec<&'static str>,
        granted: Vec<String>,
        missing: Vec<String>,
    ) -> ScopeError {
        ScopeError { vendor, operation, required, missing, granted: Some(granted), answer: None, person: true }
    }

    /// The API's refusal `answer`, whose challenge names `missing`.
    pub(crate) fn refused(
        required: Vec<&'static str>,
        missing: Vec<String>,
        answer: ApiError,
        person: bool,
    ) -> ScopeError {
        let (vendor, operation) = (answer.vendor, answer.operation);
        ScopeError { vendor, operation, required, missing, granted: None, answer: Some(answer), person }
    }

    /// Whether the call was sent (and the API refused it).
    ///
    /// ```
    /// # fn check(scope: &oauth_runtime::ScopeError) {
    /// if !scope.sent() {
    ///     eprintln!("nothing was sent: authorize again with {:?}", scope.missing);
    /// }
    /// # }
    /// ```
    pub fn sent(&self) -> bool {
        self.answer.is_some()
    }
}

/// `a b c`, quoted as one list.
struct Listed<'a, S>(&'a [S]);

impl<S: AsRef<str>> fmt::Display for Listed<'_, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("`")?;
        for (i, scope) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(" ")?;
            }
            f.write_str(scope.as_ref())?;
        }
        f.write_str("`")
    }
}

impl fmt::Display for ScopeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let call = match self.operation {
            Some(op) => format!("`{op}`"),
            None => "the call".to_owned(),
        };
        write!(f, "{}: ", self.vendor)?;
        match (&self.answer, &self.granted) {
            (None, granted) => {
                let granted = granted.as_deref().unwrap_or_default();
                write!(
                    f,
                    "{call} needs the scopes {}, and the person granted {} (missing {}): not sent. A person's \
                     consent covers the scopes asked for at authorization: ask for these too (the scope of \
                     the handle that calls `authorize` or `authorize_device`) and have the person authorize again",
                    Listed(&self.required),
                    Listed(granted),
                    Listed(&self.missing),
                )
            }
            (Some(api), _) => {
                write!(f, "{call} was refused for insufficient scope (HTTP {})", api.status)?;
                if !self.missing.is_empty() {
                    write!(f, "; the API asks for {}", Listed(&self.missing))?;
                }
                if !self.required.is_empty() {
                    write!(f, "; the call declares {}", Listed(&self.required))?;
                }
                if self.person {
                    f.write_str(": ask for the scopes at authorization and have the person authorize again")?;
                } else {
                    f.write_str(
                        ": declare the scopes the call needs (`require_scopes`, `scopes = \"..\"`), or have the \
                         vendor allow the client those scopes",
                    )?;
                }
                if !api.excerpt.is_empty() {
                    write!(f, "; body starts: {}", api.excerpt)?;
                }
                Ok(())
            }
        }
    }
}

impl fmt::Debug for ScopeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ScopeError")
            .field("vendor", &self.vendor)
            .field("operation", &self.operation)
            .field("required", &self.required)
            .field("missing", &self.missing)
            .field("granted", &self.granted)
            .field("answer", &self.answer)
            .finish()
    }
}

impl std::error::Error for ScopeError {}

/// Whether `scope` is one scope token (RFC 6749 section 3.3): `%x21 / %x23-5B / %x5D-7E`, one
/// or more, so no space, `"` or `\`.
pub(crate) fn is_scope_token(scope: &str) -> bool {
    !scope.is_empty() && scope.bytes().all(|b| matches!(b, 0x21 | 0x23..=0x5B | 0x5D..=0x7E))
}

#[cfg(test)]
mod tests {
    use reqwest::StatusCode;

    use super::*;

    #[test]
    fn scope_tokens_are_rfc_6749s() {
        for ok in ["repo", "read:org", "https://graph.microsoft.com/.default", "a!#[]~"] {
            assert!(is_scope_token(ok), "{ok}");
        }
        for bad in ["", "a b", "a\"b", "a\\b", "é", "a\tb"] {
            assert!(!is_scope_token(bad), "{bad:?}");
        }
    }

    #[test]
    fn messages_name_the_scopes_and_what_to_do() {
        let unsent = ScopeError::not_granted(
            "V",
            Some("listRepos"),
            vec!["repo", "read:org"],
            vec!["repo".into()],
            vec!["read:org".into()],
        );
        let text = unsent.to_string();
        assert!(
            text.starts_with("V: `listRepos` needs the scopes `repo read:org`, and the person granted `repo`"),
            "{text}"
        );
        assert!(text.contains("(missing `read:org`): not sent") && text.contains("authorize again"), "{text}");
        assert!(!unsent.sent());

        let api = ApiError::new("V", None, StatusCode::FORBIDDEN, "{}".into(), None);
        let refused = ScopeError::refused(Vec::new(), vec!["admin".into()], api, false);
        assert_eq!(
            refused.to_string(),
            "V: the call was refused for insufficient scope (HTTP 403 Forbidden); the API asks for `admin`: declare \
             the scopes the call needs (`require_scopes`, `scopes = \"..\"`), or have the vendor allow the client \
             those scopes; body starts: {}"
        );
        assert!(refused.sent());
    }
}
