//! Request parsing and response building shared by the vendor modules.

use axum::{
    body::{Body, Bytes},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use base64::{Engine, engine::general_purpose::STANDARD};
use serde_json::Value;

/// Larger request bodies are refused with 413, as any real server would.
const BODY_LIMIT: usize = 64 * 1024;

pub(crate) async fn read_body(body: Body) -> Result<Bytes, Response> {
    axum::body::to_bytes(body, BODY_LIMIT).await.map_err(|_| {
        (StatusCode::PAYLOAD_TOO_LARGE, [(header::CONTENT_TYPE, "text/plain")], "413 Payload Too Large").into_response()
    })
}

/// The media type of the request without parameters, lower-cased
/// (`application/json; charset=utf-8` → `application/json`).
pub(crate) fn media_type(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::CONTENT_TYPE)?.to_str().ok()?;
    let essence = value.split(';').next().unwrap_or("").trim();
    (!essence.is_empty()).then(|| essence.to_ascii_lowercase())
}

pub(crate) fn is_media(headers: &HeaderMap, expected: &str) -> bool {
    media_type(headers).as_deref() == Some(expected)
}

pub(crate) const FORM: &str = "application/x-www-form-urlencoded";
pub(crate) const JSON: &str = "application/json";

/// A parsed `application/x-www-form-urlencoded` body or query string.
#[derive(Clone, Default)]
pub(crate) struct Form(Vec<(String, String)>);

impl Form {
    /// Adds `name=value` as if it had been sent (a JWT-bearer grant's scope claim, read as
    /// the scope parameter it stands for).
    pub(crate) fn push(&mut self, name: &str, value: &str) {
        self.0.push((name.to_owned(), value.to_owned()));
    }

    pub(crate) fn parse(input: &[u8]) -> Form {
        Form(form_urlencoded::parse(input).map(|(k, v)| (k.into_owned(), v.into_owned())).collect())
    }

    /// Every name sent, in order, repeated ones as often as sent.
    pub(crate) fn names(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(|(k, _)| k.as_str())
    }

    /// The first value of `name`.
    pub(crate) fn first(&self, name: &str) -> Option<&str> {
        self.0.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    /// A form from a JSON object's members, repeated names kept (serde_json's map would keep
    /// the last); values other than strings are kept as their JSON text. `None` for anything
    /// but a JSON object.
    pub(crate) fn from_json(input: &[u8]) -> Option<Form> {
        let JsonPairs(pairs) = serde_json::from_slice(input).ok()?;
        let text = |v: Value| match v {
            Value::String(s) => s,
            other => other.to_string(),
        };
        Some(Form(pairs.into_iter().map(|(k, v)| (k, text(v))).collect()))
    }

    /// The first name sent more than once (RFC 6749 section 3.2: parameters must not be
    /// included more than once), among the names `relevant` accepts.
    pub(crate) fn repeated(&self, relevant: impl Fn(&str) -> bool) -> Option<&str> {
        self.0.iter().enumerate().find_map(|(i, (k, _))| {
            (relevant(k) && self.0[..i].iter().any(|(earlier, _)| earlier == k)).then_some(k.as_str())
        })
    }

    /// The value of `name`, unless it is empty: RFC 6749 section 3.2 treats a parameter sent
    /// without a value as omitted.
    pub(crate) fn value(&self, name: &str) -> Option<&str> {
        self.first(name).filter(|v| !v.is_empty())
    }

    /// Whether `name` was sent with a value.
    pub(crate) fn has(&self, name: &str) -> bool {
        self.value(name).is_some()
    }

    /// All values of `name` joined with commas, the way ASP.NET's
    /// `IFormCollection.Get` reads a repeated parameter.
    pub(crate) fn joined(&self, name: &str) -> Option<String> {
        let values: Vec<&str> = self.0.iter().filter(|(k, _)| k == name).map(|(_, v)| v.as_str()).collect();
        (!values.is_empty()).then(|| values.join(","))
    }
}

/// A JSON object's members in order, repeated names included.
struct JsonPairs(Vec<(String, Value)>);

impl<'de> serde::Deserialize<'de> for JsonPairs {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Members;
        impl<'de> serde::de::Visitor<'de> for Members {
            type Value = JsonPairs;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<JsonPairs, A::Error> {
                let mut pairs = Vec::new();
                while let Some(pair) = map.next_entry::<String, Value>()? {
                    pairs.push(pair);
                }
                Ok(JsonPairs(pairs))
            }
        }
        deserializer.deserialize_map(Members)
    }
}

/// Whether the request carries `Authorization: Basic ...`, well-formed or not.
pub(crate) fn has_basic(headers: &HeaderMap) -> bool {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().split_once(' '))
        .is_some_and(|(scheme, _)| scheme.eq_ignore_ascii_case("Basic"))
}

/// Client id and secret from `Authorization: Basic` used as they are, split at the first
/// `:` without any decoding (`client_auth = "basic_raw"`).
pub(crate) fn basic_raw_credentials(headers: &HeaderMap) -> Option<(String, String)> {
    let decoded = STANDARD.decode(authorization(headers, "Basic")?).ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (id, secret) = text.split_once(':')?;
    Some((id.to_owned(), secret.to_owned()))
}

/// Splits `Authorization: <scheme> <credentials>`, matching the scheme
/// case-insensitively (RFC 9110 §11.1).
pub(crate) fn authorization<'a>(headers: &'a HeaderMap, scheme: &str) -> Option<&'a str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?.trim();
    let (given, rest) = value.split_once(' ')?;
    let rest = rest.trim();
    (given.eq_ignore_ascii_case(scheme) && !rest.is_empty()).then_some(rest)
}

/// The token of `Authorization: Bearer <token>`.
pub(crate) fn bearer(headers: &HeaderMap) -> Option<&str> {
    authorization(headers, "Bearer")
}

/// Client id and secret from `Authorization: Basic`, decoded as RFC 6749
/// §2.3.1 says: base64, split at the first `:`, then form-url-decode each part.
pub(crate) fn basic_credentials(headers: &HeaderMap) -> Option<(String, String)> {
    let decoded = STANDARD.decode(authorization(headers, "Basic")?).ok()?;
    let colon = decoded.iter().position(|&b| b == b':')?;
    let (id, secret) = (&decoded[..colon], &decoded[colon + 1..]);
    Some((form_decode(id), form_decode(secret)))
}

/// `application/x-www-form-urlencoded` decoding of a single component:
/// `+` is a space, `%XX` a byte, malformed escapes stay as they are.
pub(crate) fn form_decode(input: &[u8]) -> String {
    let mut out = Vec::with_capacity(input.len());
    let mut i = 0;
    while let Some(&b) = input.get(i) {
        match b {
            b'+' => out.push(b' '),
            b'%' => {
                let hi = input.get(i + 1).and_then(|c| char::from(*c).to_digit(16));
                let lo = input.get(i + 2).and_then(|c| char::from(*c).to_digit(16));
                if let (Some(hi), Some(lo)) = (hi, lo) {
                    out.push((hi * 16 + lo) as u8);
                    i += 3;
                    continue;
                }
                out.push(b'%');
            }
            _ => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A JSON object with its keys in the given order (serde_json's map would
/// sort them, and the vendors' documents show a particular order).
pub(crate) fn object(fields: &[(&str, Value)]) -> String {
    object_with(fields, ",", ":")
}

/// Like [`object`], with custom separators, e.g. `", "` and `": "` for
/// pretty-ish single-line output.
pub(crate) fn object_with(fields: &[(&str, Value)], comma: &str, colon: &str) -> String {
    let mut out = String::from("{");
    for (i, (key, value)) in fields.iter().enumerate() {
        if i > 0 {
            out.push_str(comma);
        }
        out.push_str(&Value::from(*key).to_string());
        out.push_str(colon);
        out.push_str(&value.to_string());
    }
    out.push('}');
    out
}

/// A JSON object's members as a form body: strings as they are, other values as their JSON
/// text, `null`s left out.
pub(crate) fn to_form(fields: &serde_json::Map<String, Value>) -> String {
    let mut out = form_urlencoded::Serializer::new(String::new());
    for (k, v) in fields {
        match v {
            Value::String(s) => out.append_pair(k, s),
            Value::Null => &mut out,
            other => out.append_pair(k, &other.to_string()),
        };
    }
    out.finish()
}

/// A response with a JSON body and the given content type.
pub(crate) fn json(status: StatusCode, content_type: &'static str, body: String) -> Response {
    (status, [(header::CONTENT_TYPE, content_type)], body).into_response()
}

/// Adds `name: value` to a response.
pub(crate) fn with_header(mut response: Response, name: header::HeaderName, value: &'static str) -> Response {
    response.headers_mut().insert(name, HeaderValue::from_static(value));
    response
}

/// The 404 every simulator gives for paths it does not serve.
pub(crate) async fn not_found() -> Response {
    (StatusCode::NOT_FOUND, [(header::CONTENT_TYPE, "text/plain")], "404 Not Found").into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_decoding() {
        assert_eq!(form_decode(b"a+b%3Ac%25"), "a b:c%");
        assert_eq!(form_decode(b"100%"), "100%");
        assert_eq!(form_decode(b"%zz%4"), "%zz%4");
    }

    #[test]
    fn basic() {
        let mut headers = HeaderMap::new();
        let encoded = STANDARD.encode("my+id%3A1:p%40ss:word");
        headers.insert(header::AUTHORIZATION, HeaderValue::from_str(&format!("basic {encoded}")).unwrap());
        assert_eq!(basic_credentials(&headers), Some(("my id:1".to_owned(), "p@ss:word".to_owned())));
    }
}
