//! Token and refresh requests, built from the provider's data alone.

use reqwest::header::{self, HeaderValue};
use serde_json::{Map, Value};
use url::Url;

use crate::{
    credential::Credential,
    provider::{BodyStyle, ClientAuth, ProviderSpec, Refresh, Role},
};

/// A token request ready to send: everything but the transport.
#[derive(Clone)]
pub(crate) struct TokenRequest {
    pub url: Url,
    pub content_type: &'static str,
    pub body: Vec<u8>,
    pub authorization: Option<HeaderValue>,
    pub kind: RequestKind,
}

/// Why a token request is made (for logs and spans).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RequestKind {
    Grant,
    Refresh,
}

impl RequestKind {
    pub fn as_str(self) -> &'static str {
        match self {
            RequestKind::Grant => "grant",
            RequestKind::Refresh => "refresh",
        }
    }
}

/// The request that obtains a token with the credentials.
pub(crate) fn grant(spec: &ProviderSpec, base: &Url, creds: &[Credential]) -> TokenRequest {
    let token = &spec.token;
    let client_in_body = token.client_auth == ClientAuth::Body;
    let mut params: Vec<(&str, &str)> = spec
        .fields
        .iter()
        .zip(creds)
        .filter(|(f, _)| client_in_body || !matches!(f.role, Role::ClientId | Role::ClientSecret))
        .map(|(f, c)| (f.name, c.expose()))
        .collect();
    let grant_type = token.send_grant_type.then(|| ("grant_type", token.grant.as_str()));
    params.extend(token.params.iter().copied());
    build(spec, base, token.path, grant_type, params, creds, token.client_auth, RequestKind::Grant)
}

/// The request that renews a token with `refresh_token`, or `None` if the vendor has no refresh.
pub(crate) fn refresh(
    spec: &ProviderSpec,
    base: &Url,
    creds: &[Credential],
    refresh_token: &str,
) -> Option<TokenRequest> {
    let (path, param, auth, grant_type) = match spec.refresh {
        Refresh::Regrant => return None,
        Refresh::RefreshTokenGrant { path, param } => {
            (path, param, spec.token.client_auth, Some(("grant_type", "refresh_token")))
        }
        Refresh::Endpoint { path, param } => (path, param, ClientAuth::None, None),
    };
    let mut params: Vec<(&str, &str)> = Vec::new();
    if auth == ClientAuth::Body {
        for role in [Role::ClientId, Role::ClientSecret] {
            if let Some((i, f)) = spec.field(role) {
                params.push((f.name, creds.get(i).map_or("", Credential::expose)));
            }
        }
    }
    params.push((param, refresh_token));
    Some(build(spec, base, path, grant_type, params, creds, auth, RequestKind::Refresh))
}

#[allow(clippy::too_many_arguments)]
fn build<'a>(
    spec: &ProviderSpec,
    base: &Url,
    path: &str,
    grant_type: Option<(&'a str, &'a str)>,
    mut params: Vec<(&'a str, &'a str)>,
    creds: &[Credential],
    auth: ClientAuth,
    kind: RequestKind,
) -> TokenRequest {
    let mut url = join(base, path);
    match (spec.token.body_style, grant_type) {
        (BodyStyle::FormGrantInQuery, Some((k, v))) => {
            url.query_pairs_mut().append_pair(k, v);
        }
        (_, Some(pair)) => params.insert(0, pair),
        (_, None) => {}
    }
    let (content_type, body) = match spec.token.body_style {
        BodyStyle::Json => {
            let map: Map<String, Value> =
                params.iter().map(|(k, v)| ((*k).to_owned(), Value::String((*v).to_owned()))).collect();
            ("application/json", Value::Object(map).to_string().into_bytes())
        }
        BodyStyle::Form | BodyStyle::FormGrantInQuery => {
            let body = form_urlencoded::Serializer::new(String::new()).extend_pairs(params).finish();
            ("application/x-www-form-urlencoded", body.into_bytes())
        }
    };
    let authorization = match auth {
        ClientAuth::Basic | ClientAuth::BasicRaw => basic(spec, creds, auth == ClientAuth::Basic),
        ClientAuth::Body | ClientAuth::None => None,
    };
    TokenRequest { url, content_type, body, authorization, kind }
}

/// `Basic base64(id:secret)`; RFC 6749 section 2.3.1 wants both form-URL-encoded first.
fn basic(spec: &ProviderSpec, creds: &[Credential], url_encode: bool) -> Option<HeaderValue> {
    use base64::Engine as _;
    let value = |role| spec.field(role).and_then(|(i, _)| creds.get(i)).map_or("", Credential::expose);
    let encode = |s: &str| {
        if url_encode { form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>() } else { s.to_owned() }
    };
    let pair = format!("{}:{}", encode(value(Role::ClientId)), encode(value(Role::ClientSecret)));
    let mut header =
        HeaderValue::try_from(format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(pair))).ok()?;
    header.set_sensitive(true);
    Some(header)
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

impl TokenRequest {
    /// The request as reqwest sends it.
    pub fn to_reqwest(&self, http: &reqwest::Client) -> reqwest::RequestBuilder {
        let mut rb = http
            .post(self.url.clone())
            .header(header::CONTENT_TYPE, self.content_type)
            .header(header::ACCEPT, "application/json")
            .body(self.body.clone());
        if let Some(auth) = &self.authorization {
            rb = rb.header(header::AUTHORIZATION, auth.clone());
        }
        rb
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Secret;
    use crate::provider::*;

    const MPS: ProviderSpec = ProviderSpec::new("MPS", TokenEndpoint::new("/token", Grant::Password))
        .with_fields(&[
            FieldSpec::new("client_id", Role::ClientId),
            FieldSpec::new("client_secret", Role::ClientSecret),
            FieldSpec::new("username", Role::Username),
            FieldSpec::new("password", Role::Password),
            FieldSpec::new("scope", Role::Param),
        ])
        .with_refresh(Refresh::refresh_token_grant("/token", "refresh_token"));

    fn creds(values: &[&str]) -> Vec<Credential> {
        values.iter().map(|v| Credential::Secret(Secret::from(*v))).collect()
    }

    fn text(r: &TokenRequest) -> &str {
        std::str::from_utf8(&r.body).unwrap()
    }

    #[test]
    fn mps_password_grant_and_refresh() {
        let base = Url::parse("https://api.example.com").unwrap();
        let c = creds(&["id", "s&cret", "test@test.com", "Password123!", "account"]);
        let r = grant(&MPS, &base, &c);
        assert_eq!(r.url.as_str(), "https://api.example.com/token");
        assert_eq!(r.content_type, "application/x-www-form-urlencoded");
        assert_eq!(
            text(&r),
            "grant_type=password&client_id=id&client_secret=s%26cret&username=test%40test.com&password=Password123%21&scope=account"
        );
        let r = refresh(&MPS, &base, &c, "rt").unwrap();
        assert_eq!(text(&r), "grant_type=refresh_token&client_id=id&client_secret=s%26cret&refresh_token=rt");
    }

    #[test]
    fn json_endpoint_refresh_without_grant_type() {
        const MONTA: ProviderSpec = ProviderSpec::new(
            "Monta",
            TokenEndpoint::new("/auth/token", Grant::ClientCredentials)
                .with_body_style(BodyStyle::Json)
                .with_send_grant_type(false),
        )
        .with_fields(&[FieldSpec::new("clientId", Role::ClientId), FieldSpec::new("clientSecret", Role::ClientSecret)])
        .with_refresh(Refresh::endpoint("/auth/refresh", "refreshToken"));
        let monta = MONTA;
        let base = Url::parse("http://127.0.0.1:1/prefix/").unwrap();
        let c = creds(&["id", "sec"]);
        let r = grant(&monta, &base, &c);
        assert_eq!(r.url.as_str(), "http://127.0.0.1:1/prefix/auth/token");
        assert_eq!(
            serde_json::from_slice::<Value>(&r.body).unwrap(),
            serde_json::json!({"clientId":"id","clientSecret":"sec"})
        );
        let r = refresh(&monta, &base, &c, "rt").unwrap();
        assert_eq!(r.url.path(), "/prefix/auth/refresh");
        assert_eq!(text(&r), r#"{"refreshToken":"rt"}"#);
        assert!(r.authorization.is_none());
    }

    #[test]
    fn basic_auth_encodes_before_base64() {
        let token = TokenEndpoint::new("/t", Grant::ClientCredentials).with_client_auth(ClientAuth::Basic);
        let deyel = ProviderSpec::new("D", token).with_fields(ProviderSpec::minimal("D", "/t").fields);
        let base = Url::parse("https://h").unwrap();
        let r = grant(&deyel, &base, &creds(&["my id", "p:ss"]));
        assert_eq!(text(&r), "grant_type=client_credentials");
        // base64("my+id:p%3Ass")
        assert_eq!(r.authorization.unwrap().to_str().unwrap(), "Basic bXkraWQ6cCUzQXNz");
    }

    #[test]
    fn grant_in_query_style() {
        let token = TokenEndpoint::new("/OAuth/GetAccessToken", Grant::ClientCredentials)
            .with_body_style(BodyStyle::FormGrantInQuery);
        let mb = ProviderSpec::new("M", token).with_fields(ProviderSpec::minimal("M", "/t").fields);
        let r = grant(&mb, &Url::parse("https://h").unwrap(), &creds(&["a", "b"]));
        assert_eq!(r.url.as_str(), "https://h/OAuth/GetAccessToken?grant_type=client_credentials");
        assert_eq!(text(&r), "client_id=a&client_secret=b");
    }
}
