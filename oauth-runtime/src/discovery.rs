//! Authorization server metadata (RFC 8414) and OpenID Provider discovery: a server's
//! endpoints and supported methods, read from its issuer identifier.
//!
//! [`ServerMetadata::fetch`] reads one document; [`Discovery`] caches documents per issuer,
//! so that every client built from one issuer shares one fetch
//! ([`ClientBuilder::discover`](crate::ClientBuilder::discover) uses [`Discovery::shared`]).
//!
//! The document is looked for at `/.well-known/oauth-authorization-server` (inserted before
//! the issuer's path, RFC 8414 section 3.1), then, if that answers 404, at the issuer's
//! `/.well-known/openid-configuration` (OpenID Connect Discovery 1.0 section 4). Its `issuer`
//! must be the issuer asked for, character for character (RFC 8414 section 3.3): a document
//! that names another issuer is refused, since its endpoints could belong to anyone. The body
//! is read up to [`MAX_METADATA_BYTES`]; an HTML page, a body that is not a JSON object or a
//! field of the wrong type is [`Error::Metadata`] with the [`MetadataErrorKind`] that says so.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex, OnceLock, PoisonError},
    time::{Duration, Instant},
};

use serde_json::{Map, Value};
use url::Url;

use crate::{Error, HttpTransport, provider::ProviderSpec, wire};

/// The largest metadata document read (256 KiB; real ones are a few KiB).
pub const MAX_METADATA_BYTES: usize = 256 * 1024;

/// How long one metadata request may take.
const TIMEOUT: Duration = Duration::from_secs(30);

/// What went wrong reading a server's metadata ([`Error::Metadata`]).
///
/// ```
/// use oauth_runtime::{Error, discovery::MetadataErrorKind};
/// # fn check(error: Error) {
/// if let Error::Metadata { kind: MetadataErrorKind::IssuerMismatch, .. } = error {
///     eprintln!("the document describes another server: check the issuer URL");
/// }
/// # }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum MetadataErrorKind {
    /// The document's `issuer` is not the issuer asked for (RFC 8414 section 3.3).
    IssuerMismatch,
    /// The answer is not a JSON object: an HTML page, plain text, truncated JSON.
    NotJson,
    /// The body exceeds [`MAX_METADATA_BYTES`].
    TooLarge,
    /// A field is missing or of the wrong type, or the issuer is not an `https` URL.
    Invalid,
    /// The server answered with an error status (neither 2xx nor the 404 that moves on to the
    /// OpenID location).
    Status,
    /// No answer: the server was unreachable or slow (transient).
    Unavailable,
}

impl MetadataErrorKind {
    /// A short description, for messages.
    pub fn as_str(self) -> &'static str {
        match self {
            MetadataErrorKind::IssuerMismatch => "issuer mismatch",
            MetadataErrorKind::NotJson => "not a JSON metadata document",
            MetadataErrorKind::TooLarge => "document too large",
            MetadataErrorKind::Invalid => "invalid document",
            MetadataErrorKind::Status => "error status",
            MetadataErrorKind::Unavailable => "server unavailable",
        }
    }
}

/// An authorization server's metadata (RFC 8414 section 2; OpenID Provider metadata is a
/// superset): its endpoints and what it supports. The endpoints other helpers of a flow need
/// (authorization, device authorization, pushed authorization requests) are here too.
///
/// ```
/// use oauth_runtime::discovery::ServerMetadata;
/// let document = br#"{
///     "issuer": "https://auth.example.com",
///     "token_endpoint": "https://auth.example.com/oauth/token",
///     "revocation_endpoint": "https://auth.example.com/oauth/revoke",
///     "token_endpoint_auth_methods_supported": ["client_secret_basic", "private_key_jwt"],
///     "grant_types_supported": ["client_credentials"]
/// }"#;
/// let metadata = ServerMetadata::parse("https://auth.example.com", document)?;
/// assert_eq!(metadata.token_endpoint.as_ref().map(|u| u.as_str()), Some("https://auth.example.com/oauth/token"));
/// assert!(metadata.supports_auth_method("private_key_jwt"));
/// assert!(ServerMetadata::parse("https://other.example.com", document).is_err());
/// # Ok::<(), oauth_runtime::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ServerMetadata {
    /// The issuer identifier, as the document gives it (the one asked for).
    pub issuer: String,
    /// `token_endpoint`.
    pub token_endpoint: Option<Url>,
    /// `revocation_endpoint` (RFC 7009).
    pub revocation_endpoint: Option<Url>,
    /// `authorization_endpoint`.
    pub authorization_endpoint: Option<Url>,
    /// `device_authorization_endpoint` (RFC 8628).
    pub device_authorization_endpoint: Option<Url>,
    /// `pushed_authorization_request_endpoint` (RFC 9126).
    pub pushed_authorization_request_endpoint: Option<Url>,
    /// `introspection_endpoint` (RFC 7662).
    pub introspection_endpoint: Option<Url>,
    /// `jwks_uri`.
    pub jwks_uri: Option<Url>,
    /// `token_endpoint_auth_methods_supported`; `None` when the document does not say.
    pub token_endpoint_auth_methods_supported: Option<Vec<String>>,
    /// `revocation_endpoint_auth_methods_supported`; `None` when the document does not say.
    pub revocation_endpoint_auth_methods_supported: Option<Vec<String>>,
    /// `grant_types_supported`; `None` when the document does not say.
    pub grant_types_supported: Option<Vec<String>>,
    /// `dpop_signing_alg_values_supported` (RFC 9449); `None` when the document does not say.
    pub dpop_signing_alg_values_supported: Option<Vec<String>>,
    /// `code_challenge_methods_supported` (RFC 7636); `None` when the document does not say.
    pub code_challenge_methods_supported: Option<Vec<String>>,
    /// `require_pushed_authorization_requests` (RFC 9126; `false` when absent).
    pub require_pushed_authorization_requests: bool,
    /// The whole document, other fields included.
    pub fields: Map<String, Value>,
}

impl ServerMetadata {
    /// Reads a metadata document fetched for `issuer`, checking that it names that issuer.
    ///
    /// # Errors
    ///
    /// [`Error::Metadata`]: [`MetadataErrorKind::NotJson`] for a body that is not a JSON
    /// object, [`MetadataErrorKind::IssuerMismatch`] for another issuer,
    /// [`MetadataErrorKind::Invalid`] for a field of the wrong type (an endpoint that is not
    /// an absolute URL, a list that is not of strings).
    pub fn parse(issuer: &str, body: &[u8]) -> Result<ServerMetadata, Error> {
        let fail = |kind, reason: String| Error::Metadata { issuer: issuer.to_owned(), kind, reason };
        let body = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body);
        let fields = match serde_json::from_slice::<Value>(body) {
            Ok(Value::Object(fields)) => fields,
            Ok(_) => return Err(fail(MetadataErrorKind::NotJson, "the body is JSON but not an object".to_owned())),
            Err(_) => {
                let shown = crate::redact::excerpt(body, &[]);
                return Err(fail(MetadataErrorKind::NotJson, format!("the body is not JSON; it starts: {shown:?}")));
            }
        };
        let found = match fields.get("issuer") {
            Some(Value::String(found)) => found.clone(),
            _ => return Err(fail(MetadataErrorKind::Invalid, "the document has no `issuer` string".to_owned())),
        };
        if found != issuer {
            return Err(fail(
                MetadataErrorKind::IssuerMismatch,
                format!("the document's issuer is {found:?}, not the one asked for (RFC 8414 section 3.3)"),
            ));
        }
        let url = |name: &str| -> Result<Option<Url>, Error> {
            match fields.get(name) {
                None | Some(Value::Null) => Ok(None),
                Some(Value::String(text)) => match Url::parse(text) {
                    Ok(url) if matches!(url.scheme(), "https" | "http") => Ok(Some(url)),
                    _ => Err(fail(MetadataErrorKind::Invalid, format!("`{name}` is not an absolute http(s) URL"))),
                },
                Some(_) => Err(fail(MetadataErrorKind::Invalid, format!("`{name}` is not a string"))),
            }
        };
        let list = |name: &str| -> Result<Option<Vec<String>>, Error> {
            match fields.get(name) {
                None | Some(Value::Null) => Ok(None),
                Some(Value::Array(items)) => items
                    .iter()
                    .map(|item| item.as_str().map(str::to_owned))
                    .collect::<Option<Vec<_>>>()
                    .map(Some)
                    .ok_or_else(|| fail(MetadataErrorKind::Invalid, format!("`{name}` is not a list of strings"))),
                Some(_) => Err(fail(MetadataErrorKind::Invalid, format!("`{name}` is not a list"))),
            }
        };
        Ok(ServerMetadata {
            token_endpoint: url("token_endpoint")?,
            revocation_endpoint: url("revocation_endpoint")?,
            authorization_endpoint: url("authorization_endpoint")?,
            device_authorization_endpoint: url("device_authorization_endpoint")?,
            pushed_authorization_request_endpoint: url("pushed_authorization_request_endpoint")?,
            introspection_endpoint: url("introspection_endpoint")?,
            jwks_uri: url("jwks_uri")?,
            token_endpoint_auth_methods_supported: list("token_endpoint_auth_methods_supported")?,
            revocation_endpoint_auth_methods_supported: list("revocation_endpoint_auth_methods_supported")?,
            grant_types_supported: list("grant_types_supported")?,
            dpop_signing_alg_values_supported: list("dpop_signing_alg_values_supported")?,
            code_challenge_methods_supported: list("code_challenge_methods_supported")?,
            require_pushed_authorization_requests: fields
                .get("require_pushed_authorization_requests")
                .and_then(Value::as_bool)
                .unwrap_or(false),
            issuer: found,
            fields,
        })
    }

    /// The two places a document for `issuer` may be: RFC 8414's, then OpenID's.
    ///
    /// ```
    /// use oauth_runtime::discovery::ServerMetadata;
    /// let [rfc8414, openid] = ServerMetadata::well_known_urls("https://auth.example.com/tenant")?;
    /// assert_eq!(rfc8414.as_str(), "https://auth.example.com/.well-known/oauth-authorization-server/tenant");
    /// assert_eq!(openid.as_str(), "https://auth.example.com/tenant/.well-known/openid-configuration");
    /// # Ok::<(), oauth_runtime::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::Metadata`] ([`MetadataErrorKind::Invalid`]) when `issuer` is not an absolute
    /// URL without query and fragment (RFC 8414 section 2).
    pub fn well_known_urls(issuer: &str) -> Result<[Url; 2], Error> {
        let invalid = |reason: &str| Error::Metadata {
            issuer: issuer.to_owned(),
            kind: MetadataErrorKind::Invalid,
            reason: reason.to_owned(),
        };
        let url = Url::parse(issuer).map_err(|_| invalid("the issuer is not an absolute URL"))?;
        if url.query().is_some() || url.fragment().is_some() || url.cannot_be_a_base() {
            return Err(invalid("an issuer has no query and no fragment (RFC 8414 section 2)"));
        }
        let path = url.path().trim_end_matches('/').to_owned();
        let mut rfc8414 = url.clone();
        rfc8414.set_path(&format!("/.well-known/oauth-authorization-server{path}"));
        let mut openid = url;
        openid.set_path(&format!("{path}/.well-known/openid-configuration"));
        Ok([rfc8414, openid])
    }

    /// Fetches the document of `issuer` with `http` (no cache: see [`Discovery`]).
    ///
    /// # Errors
    ///
    /// [`Error::Metadata`] with the [`MetadataErrorKind`] that says what was wrong: no
    /// document at either place, an error status, an HTML page, a body over
    /// [`MAX_METADATA_BYTES`], another issuer, the server unreachable.
    pub async fn fetch(http: &reqwest::Client, issuer: &str) -> Result<ServerMetadata, Error> {
        let fail = |kind, reason: String| Error::Metadata { issuer: issuer.to_owned(), kind, reason };
        let [rfc8414, openid] = ServerMetadata::well_known_urls(issuer)?;
        // No vendor: one document serves the clients of every vendor on that issuer.
        let site = wire::Site { vendor: None, kind: wire::Kind::Discovery, operation: None, known: Default::default() };
        for (i, url) in [rfc8414, openid].into_iter().enumerate() {
            let unavailable =
                |e: reqwest::Error| fail(MetadataErrorKind::Unavailable, format!("{url}: {}", e.without_url()));
            let request = http
                .get(url.clone())
                .header(reqwest::header::ACCEPT, "application/json")
                .timeout(TIMEOUT)
                .build()
                .map_err(unavailable)?;
            let mut exchange = wire::Exchange::start(&site, 1, || wire::Request {
                method: request.method(),
                url: request.url().as_str().into(),
                headers: request.headers(),
                body: None,
            });
            let response = match http.execute(request).await {
                Ok(response) => response,
                Err(e) => {
                    exchange.failed(wire::reqwest_error(&e));
                    return Err(unavailable(e));
                }
            };
            let status = response.status();
            exchange.response(status, response.headers());
            if status == reqwest::StatusCode::NOT_FOUND && i == 0 {
                continue;
            }
            let body = match crate::transport::read_capped(response, MAX_METADATA_BYTES).await {
                Ok(body) => {
                    exchange.body(body.len());
                    body
                }
                Err(crate::transport::ReadError::TooLarge) => {
                    exchange.failed("too_large");
                    return Err(fail(
                        MetadataErrorKind::TooLarge,
                        format!("{url}: the body exceeds {MAX_METADATA_BYTES} bytes"),
                    ));
                }
                Err(crate::transport::ReadError::Transport(e)) => {
                    exchange.failed(wire::reqwest_error(&e));
                    return Err(unavailable(e));
                }
            };
            drop(exchange);
            if !status.is_success() {
                let kind = if status.is_server_error() || status == reqwest::StatusCode::TOO_MANY_REQUESTS {
                    MetadataErrorKind::Unavailable
                } else {
                    MetadataErrorKind::Status
                };
                return Err(fail(kind, format!("{url} answered HTTP {}", status.as_u16())));
            }
            return ServerMetadata::parse(issuer, &body).map_err(|e| match e {
                Error::Metadata { issuer, kind, reason } => {
                    Error::Metadata { issuer, kind, reason: format!("{url}: {reason}") }
                }
                other => other,
            });
        }
        unreachable!("the OpenID location is always tried after a 404")
    }

    /// Whether the server says it takes the client authentication method `name` at its token
    /// endpoint (`client_secret_basic` when the document does not say, RFC 8414 section 2).
    pub fn supports_auth_method(&self, name: &str) -> bool {
        match &self.token_endpoint_auth_methods_supported {
            Some(methods) => methods.iter().any(|m| m == name),
            None => name == "client_secret_basic",
        }
    }

    /// What `spec` declares that this server says it does not support: its client
    /// authentication method, when the document lists the methods, and its grant type, when
    /// it lists grant types. One sentence each; empty when nothing disagrees. A client built
    /// from this metadata logs each at WARN (documents are often incomplete, and the token
    /// endpoint has the last word); a program that prefers to refuse can check this first.
    ///
    /// ```
    /// use oauth_runtime::{discovery::ServerMetadata, provider::*};
    /// let metadata = ServerMetadata::parse(
    ///     "https://a.example",
    ///     br#"{"issuer":"https://a.example","token_endpoint_auth_methods_supported":["private_key_jwt"]}"#,
    /// )?;
    /// const SPEC: ProviderSpec = ProviderSpec::minimal("Example", "/token");
    /// assert_eq!(metadata.unsupported(&SPEC).len(), 1, "client_secret_post is not listed");
    /// # Ok::<(), oauth_runtime::Error>(())
    /// ```
    pub fn unsupported(&self, spec: &ProviderSpec) -> Vec<String> {
        self.unsupported_auth(spec).into_iter().chain(self.unsupported_grant(spec)).collect()
    }

    /// The declared client authentication method, if the document lists methods without it.
    pub(crate) fn unsupported_auth(&self, spec: &ProviderSpec) -> Option<String> {
        let methods = self.token_endpoint_auth_methods_supported.as_ref()?;
        let name = spec.token.client_auth.registered_name()?;
        (!methods.iter().any(|m| m == name)).then(|| {
            format!(
                "{}: the server's metadata lists the client authentication methods {methods:?}, not `{name}`",
                spec.name
            )
        })
    }

    /// The declared grant type, if the document lists grant types without it.
    pub(crate) fn unsupported_grant(&self, spec: &ProviderSpec) -> Option<String> {
        let grants = self.grant_types_supported.as_ref()?;
        let grant = spec.token.grant.as_str();
        (!grants.iter().any(|g| g == grant))
            .then(|| format!("{}: the server's metadata lists the grant types {grants:?}, not `{grant}`", spec.name))
    }
}

/// A cache of server metadata by issuer: each issuer's document is fetched once (concurrent
/// callers share the fetch) and kept for a day ([`Discovery::with_max_age`]), shared by every
/// client built from it; a client keeps the document it was built from. A failed fetch is not
/// kept: the next call tries again. Clones share one cache.
///
/// ```no_run
/// # async fn demo() -> Result<(), oauth_runtime::Error> {
/// use oauth_runtime::{HttpTransport, discovery::Discovery};
/// let transport = HttpTransport::new()?;
/// let metadata = Discovery::shared().get(&transport, "https://auth.example.com").await?;
/// let again = Discovery::shared().get(&transport, "https://auth.example.com").await?; // no request
/// assert!(std::sync::Arc::ptr_eq(&metadata, &again));
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Discovery {
    issuers: Arc<Mutex<HashMap<String, Arc<Slot>>>>,
    max_age: Duration,
}

/// One issuer's document, fetched at most once at a time and kept once fetched, with when.
type Slot = tokio::sync::OnceCell<(Arc<ServerMetadata>, Instant)>;

impl Default for Discovery {
    fn default() -> Discovery {
        Discovery { issuers: Arc::default(), max_age: Discovery::DEFAULT_MAX_AGE }
    }
}

impl Discovery {
    /// How long a document is used before it is fetched again: a day, so that a server that
    /// moves an endpoint is followed by long-running processes.
    pub const DEFAULT_MAX_AGE: Duration = Duration::from_secs(24 * 60 * 60);

    /// An empty cache of its own.
    pub fn new() -> Discovery {
        Discovery::default()
    }

    /// The same cache, but documents older than `max_age` are fetched again by the next
    /// [`Discovery::get`] (one fetch, shared by concurrent callers, as the first).
    ///
    /// ```
    /// use std::time::Duration;
    /// use oauth_runtime::discovery::Discovery;
    /// let hourly = Discovery::new().with_max_age(Duration::from_secs(3600));
    /// assert_eq!(hourly.max_age(), Duration::from_secs(3600));
    /// ```
    pub fn with_max_age(mut self, max_age: Duration) -> Discovery {
        self.max_age = max_age;
        self
    }

    /// How long a document is kept ([`Discovery::DEFAULT_MAX_AGE`] unless set).
    pub fn max_age(&self) -> Duration {
        self.max_age
    }

    /// The process's cache, which [`ClientBuilder::discover`](crate::ClientBuilder::discover)
    /// uses.
    pub fn shared() -> &'static Discovery {
        static SHARED: OnceLock<Discovery> = OnceLock::new();
        SHARED.get_or_init(Discovery::new)
    }

    /// The metadata of `issuer`: the cached document, or one fetched now with `transport`.
    ///
    /// # Errors
    ///
    /// As [`ServerMetadata::fetch`]; the failure is not cached.
    pub async fn get(&self, transport: &HttpTransport, issuer: &str) -> Result<Arc<ServerMetadata>, Error> {
        let cell = {
            let mut issuers = self.issuers.lock().unwrap_or_else(PoisonError::into_inner);
            let slot = issuers.entry(issuer.to_owned()).or_default();
            // An old document gets a new slot: its fetch is shared by the callers from now on,
            // while those holding the old slot keep the old document.
            if slot.get().is_some_and(|(_, fetched)| fetched.elapsed() >= self.max_age) {
                *slot = Arc::default();
            }
            slot.clone()
        };
        let (metadata, _) = cell
            .get_or_try_init(|| async {
                let metadata = ServerMetadata::fetch(transport.reqwest(), issuer).await?;
                Ok::<_, Error>((Arc::new(metadata), Instant::now()))
            })
            .await?;
        Ok(metadata.clone())
    }

    /// Drops the cached document of `issuer`, so that the next [`Discovery::get`] fetches it
    /// again (after the server changed its endpoints, say).
    pub fn forget(&self, issuer: &str) {
        self.issuers.lock().unwrap_or_else(PoisonError::into_inner).remove(issuer);
    }
}

impl std::fmt::Debug for Discovery {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let issuers = self.issuers.lock().unwrap_or_else(PoisonError::into_inner);
        f.debug_struct("Discovery")
            .field("issuers", &issuers.keys().collect::<Vec<_>>())
            .field("max_age", &self.max_age)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_are_checked() {
        let kind = |issuer: &str, body: &[u8]| match ServerMetadata::parse(issuer, body) {
            Err(Error::Metadata { kind, .. }) => Some(kind),
            _ => None,
        };
        let ok = br#"{"issuer":"https://a.example","token_endpoint":"https://a.example/t"}"#;
        assert_eq!(kind("https://a.example", ok), None);
        assert_eq!(kind("https://a.example/", ok), Some(MetadataErrorKind::IssuerMismatch), "character for character");
        assert_eq!(kind("https://a.example", b"<html><body>Sign in</body></html>"), Some(MetadataErrorKind::NotJson));
        assert_eq!(kind("https://a.example", b"[1]"), Some(MetadataErrorKind::NotJson));
        assert_eq!(kind("https://a.example", br#"{"token_endpoint":"x"}"#), Some(MetadataErrorKind::Invalid));
        let bad_url = br#"{"issuer":"https://a.example","token_endpoint":"/relative"}"#;
        assert_eq!(kind("https://a.example", bad_url), Some(MetadataErrorKind::Invalid));
        let bad_list = br#"{"issuer":"https://a.example","grant_types_supported":[1]}"#;
        assert_eq!(kind("https://a.example", bad_list), Some(MetadataErrorKind::Invalid));
        assert!(ServerMetadata::well_known_urls("https://a.example/?q").is_err());
        let [a, b] = ServerMetadata::well_known_urls("https://a.example").unwrap();
        assert_eq!(a.as_str(), "https://a.example/.well-known/oauth-authorization-server");
        assert_eq!(b.as_str(), "https://a.example/.well-known/openid-configuration");
    }
}
