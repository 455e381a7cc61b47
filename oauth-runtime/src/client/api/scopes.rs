//! The scopes an operation needs (RFC 6749 section 3.3): the one rule for the token a call that
//! declares them goes with, and for the API's refusal for insufficient scope. Generated and
//! declared operations only pass their scopes here ([`ApiRequest::require_scopes`]).
//!
//! - **A grant that runs unattended** (client credentials, password, JWT bearer, token
//!   exchange, a vendor's own): the call uses the tokens of the handle's parameters with the
//!   scope widened to the union of the handle's scope and the operation's. The handle's scope is
//!   its [`TokenParams::scope`] if it sets one (which replaces the vendor's), else the vendor's
//!   fixed `scope` parameter or `scope` field. A union, not the operation's scopes alone,
//!   because a handle's scope may be what the vendor needs for any token at all (an audience's
//!   base scope, `openid`), and because the token is one the handle could have asked for. When
//!   the handle's scope already holds every one, the call uses the handle's own tokens. Each
//!   widened set is a parameter set like any other: its own token cache and single flight
//!   (`Inner::session`), reclaimed as any idle set is. Scopes are `&'static`, the program's own
//!   declarations, never data, so the caches they make number at most one per handle's
//!   parameter set and distinct declared scope list that it does not cover.
//! - **A grant that needs a person** (authorization code, device, a refresh token obtained
//!   elsewhere): a new scope set would need a new consent, which the client never starts on its
//!   own, and a token of another set would be another person's decision. The call uses the
//!   handle's token. When the token response said which scopes were granted and one the call
//!   needs is not among them, the call fails unsent with [`Error::Scope`], naming the missing
//!   scopes; when it did not say, the call is sent and the API decides. The comparison is of
//!   scope strings: a vendor whose scopes imply others (GitHub's `admin:org` holds `read:org`)
//!   or that grants under other names can turn it off with
//!   [`ClientBuilder::check_granted_scopes`](crate::ClientBuilder::check_granted_scopes).
//! - **An API's refusal** (a 403, or a 401, whose `WWW-Authenticate` challenge says
//!   `error="insufficient_scope"`, RFC 6750 section 3.1), to any typed call: [`Error::Scope`],
//!   with the scopes the challenge names and the answer. Nothing is renewed (`lease.rs`): a new
//!   token of the same parameters would carry the same scopes.

use std::sync::Arc;

use reqwest::StatusCode;

use super::ApiRequest;
use crate::{
    ApiError, ScopeError, Token, TokenParams,
    client::{Inner, Session, flow},
    error::Error,
    scope_error::is_scope_token,
};

impl ApiRequest {
    /// Declares the scopes this call needs: the client gets the token for them as its grant
    /// allows. Calling it again adds to the list.
    ///
    /// - A grant that runs unattended (client credentials, password, JWT bearer, token
    ///   exchange): the call is sent with a token requested with the union of the handle's
    ///   scope ([`Client::with_token_params`](crate::Client::with_token_params), or else the
    ///   vendor's fixed one) and these, cached and single-flighted per set like any
    ///   [`TokenParams`] set; a handle whose scope covers them uses its own token.
    /// - A grant that needs a person (authorization code, device, a refresh token): the call
    ///   is sent with the handle's token, never one of a new authorization. If the token
    ///   response named the granted scopes and one of these is not among them, the call fails
    ///   with [`Error::Scope`] and nothing is sent: ask for the scopes at authorization.
    ///
    /// The scopes are `&'static` (the program's declarations), so the token caches they add
    /// stay as few as the distinct lists in the code; for a scope chosen at run time, use
    /// [`Client::with_token_params`](crate::Client::with_token_params). Each must be one scope
    /// token (RFC 6749 section 3.3: printable ASCII, no space, `"` or `\`), or the call fails
    /// with [`Error::Argument`] unsent. An empty list changes nothing.
    ///
    /// ```no_run
    /// # async fn demo<P>(client: oauth_runtime::Client<P>) -> Result<(), oauth_runtime::Error> {
    /// #[derive(serde::Deserialize)]
    /// struct Repo { name: String }
    ///
    /// let repos: Vec<Repo> = client.get("/user/repos").require_scopes(&["repo"]).send_json().await?;
    /// let teams = client.get("/user/teams").require_scopes(&["read:org"]).send().await?;
    /// # Ok(()) }
    /// ```
    pub fn require_scopes(mut self, scopes: &'static [&'static str]) -> ApiRequest {
        if let Some(bad) = scopes.iter().find(|s| !is_scope_token(s)) {
            return self.refuse(format!(
                "the scope {bad:?} is not one scope token (RFC 6749 section 3.3: printable ASCII without \
                 spaces, `\"` or `\\`): list each scope as its own element"
            ));
        }
        let new: Vec<&'static str> = scopes.iter().copied().filter(|s| !self.required.contains(s)).collect();
        if new.is_empty() {
            return self;
        }
        self.required.extend(&new);
        if self.inner.engine.grant.unattended() {
            self.session = self.inner.widened(&self.session, &new);
        }
        self
    }
}

impl Inner {
    /// The session whose token requests carry `session`'s scope and `scopes`: `session` itself
    /// when its scope holds them all.
    fn widened(&self, session: &Arc<Session>, scopes: &[&str]) -> Arc<Session> {
        let base: Vec<&str> = self.handle_scope(&session.params).map_or_else(Vec::new, |s| s.split(' ').collect());
        if scopes.iter().all(|s| base.contains(s)) {
            return session.clone();
        }
        let union: Vec<&str> = base.iter().chain(scopes).copied().collect();
        // `TokenParams::scope` orders and dedupes: one set, one cache, whatever the order.
        self.session(session.params.clone().scope(union.join(" ")))
    }

    /// The scope a handle's token requests carry: its own, else the vendor's fixed `scope`
    /// parameter, else a credential field named `scope` (as `finish` in `engine.rs` writes
    /// them, each replacing the one before).
    fn handle_scope<'a>(&'a self, params: &'a TokenParams) -> Option<&'a str> {
        let fixed = || self.spec.token.params.iter().find(|(name, _)| *name == "scope").map(|(_, value)| *value);
        let field = || self.engine.credentials.iter().find(|(f, _)| f.name == "scope").map(|(_, v)| v.expose());
        params.scope_str().or_else(fixed).or_else(field).map(str::trim).filter(|s| !s.is_empty())
    }

    /// Whether the grant needs a person: its scopes are the person's consent.
    fn needs_person(&self) -> bool {
        !self.engine.grant.unattended()
    }
}

/// Whether `token` may be sent to a call of `operation` that needs `required`: for a grant
/// that needs a person, not when its response named the granted scopes without one of them.
pub(super) fn admit(
    inner: &Inner,
    operation: Option<&'static str>,
    required: &[&'static str],
    token: &Token,
) -> Result<(), Error> {
    if required.is_empty() || !inner.needs_person() || !inner.check_granted_scopes {
        return Ok(());
    }
    let Some(granted) = token.granted_scopes() else { return Ok(()) };
    let missing: Vec<String> = required.iter().filter(|s| !granted.contains(s)).map(|s| (*s).to_owned()).collect();
    if missing.is_empty() {
        return Ok(());
    }
    tracing::warn!(
        vendor = inner.spec.name,
        operation = operation.unwrap_or("-"),
        missing = %missing.join(" "),
        "the person's grant lacks scopes the call needs; not sending it"
    );
    let granted = granted.into_iter().map(str::to_owned).collect();
    Err(Error::Scope(Box::new(ScopeError::not_granted(
        inner.spec.name,
        operation,
        required.to_vec(),
        granted,
        missing,
    ))))
}

/// The error of a non-2xx answer to a typed call that declared `required`: [`Error::Scope`]
/// when the API refused it for insufficient scope, [`Error::Api`] otherwise.
pub(super) fn refusal(inner: &Inner, required: Vec<&'static str>, api: ApiError) -> Error {
    let challenged = matches!(api.status, StatusCode::FORBIDDEN | StatusCode::UNAUTHORIZED)
        && flow::challenge_error(api.headers()).is_some_and(|e| e.eq_ignore_ascii_case("insufficient_scope"));
    if !challenged {
        return Error::Api(api);
    }
    let named = flow::challenge_param(api.headers(), "scope").unwrap_or_default();
    let missing = named.split_ascii_whitespace().map(str::to_owned).collect();
    Error::Scope(Box::new(ScopeError::refused(required, missing, api, inner.needs_person())))
}
