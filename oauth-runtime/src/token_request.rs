//! A token request being built: what a grant, a client authentication and a token
//! presentation each add to it, and how it goes on the wire.
//!
//! It is built anew for every attempt (retries included), so a part that must be fresh on each
//! request (a signed assertion's `jti`, a DPoP proof) can be, and it lives only as long as the
//! attempt: its secret parts are in buffers zeroed on drop.

use std::{borrow::Cow, fmt};

use reqwest::header::{self, HeaderMap, HeaderName, HeaderValue};
use url::Url;
use zeroize::Zeroizing;

use crate::provider::BodyStyle;

/// Why a token request is made.
///
/// ```
/// use oauth_runtime::TokenRequestKind;
/// assert_eq!(TokenRequestKind::Refresh.as_str(), "refresh");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TokenRequestKind {
    /// A new token from the grant.
    Grant,
    /// A new token for a refresh token.
    Refresh,
    /// A token revocation (RFC 7009).
    Revocation,
}

impl TokenRequestKind {
    /// `"grant"`, `"refresh"` or `"revocation"`, for logs.
    pub fn as_str(self) -> &'static str {
        match self {
            TokenRequestKind::Grant => "grant",
            TokenRequestKind::Refresh => "refresh",
            TokenRequestKind::Revocation => "revocation",
        }
    }

    /// What the request is called in messages: `token`, `refresh` or `revocation`.
    pub(crate) fn noun(self) -> &'static str {
        match self {
            TokenRequestKind::Grant => "token",
            TokenRequestKind::Refresh => "refresh",
            TokenRequestKind::Revocation => "revocation",
        }
    }
}

/// One token request as it is being built: the URL, `grant_type`, the body parameters and the
/// headers. Grants, client authentications and presentations add their parts with
/// [`param`](Self::param) and [`header`](Self::header); the body is encoded in the vendor's
/// style when it is sent.
///
/// Parameters are unique by name unless added with [`append_param`](Self::append_param): RFC
/// 6749 section 3.1 allows each at most once, so a later [`param`](Self::param) replaces an
/// earlier one (a handle's `scope` replaces the vendor's fixed one).
///
/// ```
/// use oauth_runtime::{TokenRequest, TokenRequestKind};
/// let mut request = TokenRequest::for_test("https://auth.example.com/token", TokenRequestKind::Grant);
/// request.param("scope", "a");
/// request.param("scope", "b");
/// request.append_param("resource", "urn:x");
/// request.append_param("resource", "urn:y");
/// assert_eq!(request.get("scope"), Some("b"));
/// assert_eq!(request.params().filter(|(k, _)| *k == "resource").count(), 2);
/// ```
pub struct TokenRequest {
    url: Url,
    kind: TokenRequestKind,
    style: BodyStyle,
    grant_type: Option<Cow<'static, str>>,
    params: Vec<(Cow<'static, str>, Zeroizing<String>)>,
    headers: HeaderMap,
    binding: Option<crate::TokenBinding>,
}

impl TokenRequest {
    pub(crate) fn new(url: Url, kind: TokenRequestKind, style: BodyStyle) -> TokenRequest {
        TokenRequest {
            url,
            kind,
            style,
            grant_type: None,
            params: Vec::new(),
            headers: HeaderMap::new(),
            binding: None,
        }
    }

    /// A form-encoded request to `url`, for tests of your own grants and client
    /// authentications.
    ///
    /// # Panics
    ///
    /// If `url` is not an absolute URL.
    pub fn for_test(url: &str, kind: TokenRequestKind) -> TokenRequest {
        TokenRequest::new(Url::parse(url).expect("an absolute URL"), kind, BodyStyle::Form)
    }

    /// Where the request goes.
    pub fn url(&self) -> &Url {
        &self.url
    }

    /// Why it is made.
    pub fn kind(&self) -> TokenRequestKind {
        self.kind
    }

    /// The key material of the token this request renews, when that token is bound to one
    /// ([`Token::binding`](crate::Token::binding)): a presentation that binds tokens proves
    /// possession of this key, so that the renewed token stays bound to it (a refresh token
    /// of a public client is bound to it too, RFC 9449 section 5). `None` for a grant.
    pub fn binding(&self) -> Option<&crate::TokenBinding> {
        self.binding.as_ref()
    }

    /// Sets [`TokenRequest::binding`].
    pub fn set_binding(&mut self, binding: Option<crate::TokenBinding>) {
        self.binding = binding;
    }

    /// Sets the `grant_type` (sent first in the body, or in the query where the vendor wants
    /// it there); `None` sends none.
    pub fn set_grant_type(&mut self, grant_type: Option<Cow<'static, str>>) {
        self.grant_type = grant_type;
    }

    /// The `grant_type`, if one is sent.
    pub fn grant_type(&self) -> Option<&str> {
        self.grant_type.as_deref()
    }

    /// Sets the body parameter `name`, replacing any earlier value of it.
    pub fn param(&mut self, name: impl Into<Cow<'static, str>>, value: &str) {
        let name = name.into();
        self.params.retain(|(k, _)| *k != name);
        self.append_param(name, value);
    }

    /// Adds the body parameter `name` after any earlier value (for repeatable parameters such
    /// as `resource`, RFC 8707).
    pub fn append_param(&mut self, name: impl Into<Cow<'static, str>>, value: &str) {
        let mut owned = Zeroizing::new(String::with_capacity(value.len()));
        owned.push_str(value);
        self.params.push((name.into(), owned));
    }

    /// Removes every value of the body parameter `name`.
    pub fn remove_param(&mut self, name: &str) {
        self.params.retain(|(k, _)| k != name);
    }

    /// The first value of the body parameter `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.params.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    /// The body parameters in order.
    pub fn params(&self) -> impl Iterator<Item = (&str, &str)> + Clone {
        self.params.iter().map(|(k, v)| (k.as_ref(), v.as_str()))
    }

    /// Sets a header; it is marked sensitive, so it never shows in `Debug` output.
    pub fn header(&mut self, name: HeaderName, mut value: HeaderValue) {
        value.set_sensitive(true);
        self.headers.insert(name, value);
    }

    /// The headers set so far.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The body as sent: content type and bytes, in a buffer zeroed on drop.
    pub(crate) fn body(&self) -> (&'static str, Zeroizing<Vec<u8>>) {
        let grant_type = match (self.style, self.grant_type.as_deref()) {
            (BodyStyle::FormGrantInQuery, _) | (_, None) => None,
            (_, Some(g)) => Some(("grant_type", g)),
        };
        let params = grant_type.into_iter().chain(self.params());
        match self.style {
            BodyStyle::Json => ("application/json", json_object(params)),
            _ => ("application/x-www-form-urlencoded", form(params)),
        }
    }

    /// The URL as sent: with `grant_type` in the query where the vendor wants it there.
    pub(crate) fn wire_url(&self) -> Url {
        let mut url = self.url.clone();
        if let (BodyStyle::FormGrantInQuery, Some(g)) = (self.style, self.grant_type.as_deref()) {
            url.query_pairs_mut().append_pair("grant_type", g);
        }
        url
    }

    /// The request as reqwest sends it. The body is copied into a buffer reqwest owns, which
    /// is freed, not zeroed, once the request is written.
    pub(crate) fn to_reqwest(&self, http: &reqwest::Client) -> reqwest::RequestBuilder {
        let (content_type, body) = self.body();
        let mut headers = self.headers.clone();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
        headers.entry(header::ACCEPT).or_insert(HeaderValue::from_static("application/json"));
        http.post(self.wire_url()).headers(headers).body(body.to_vec())
    }
}

impl fmt::Debug for TokenRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.params.iter().map(|(k, _)| k.as_ref()).collect();
        f.debug_struct("TokenRequest")
            .field("url", &self.url.as_str())
            .field("kind", &self.kind)
            .field("grant_type", &self.grant_type)
            .field("params", &names)
            .field("headers", &self.headers)
            .field("binding", &self.binding)
            .finish()
    }
}

// The writers below size their buffer for the worst case up front: a buffer that grew would
// leave the secrets it held in the old allocation, freed without being zeroed.

/// `{"k":"v",...}` in the order given.
fn json_object<'a>(params: impl Iterator<Item = (&'a str, &'a str)> + Clone) -> Zeroizing<Vec<u8>> {
    // Escaping turns a byte into at most six (`\u001f`); quotes, colon and comma add six.
    let bound = 2 + params.clone().map(|(k, v)| 6 * (k.len() + v.len()) + 6).sum::<usize>();
    let mut out = Zeroizing::new(Vec::with_capacity(bound));
    out.push(b'{');
    for (i, (k, v)) in params.enumerate() {
        if i > 0 {
            out.push(b',');
        }
        // Writing a string into a Vec cannot fail.
        let _ = serde_json::to_writer(&mut *out, k);
        out.push(b':');
        let _ = serde_json::to_writer(&mut *out, v);
    }
    out.push(b'}');
    debug_assert!(out.len() <= bound);
    out
}

/// `k=v&...`, form-URL-encoded.
fn form<'a>(params: impl Iterator<Item = (&'a str, &'a str)> + Clone) -> Zeroizing<Vec<u8>> {
    // Percent-encoding turns a byte into at most three; `=` and `&` add two.
    let bound = params.clone().map(|(k, v)| 3 * (k.len() + v.len()) + 2).sum::<usize>();
    let body = form_urlencoded::Serializer::new(String::with_capacity(bound)).extend_pairs(params).finish();
    debug_assert!(body.len() <= bound);
    Zeroizing::new(body.into_bytes())
}

/// `base` followed by `path`, keeping any path prefix `base` has.
pub(crate) fn join(base: &Url, path: &str) -> Url {
    let mut url = base.clone();
    let prefix = base.path().trim_end_matches('/');
    let (path, query) = path.split_once('?').map_or((path, None), |(p, q)| (p, Some(q)));
    url.set_path(&format!("{prefix}/{}", path.trim_start_matches('/')));
    url.set_query(query);
    url
}
