//! Answers in shapes the declaration does not describe, served by [`Fault::reshape`]: a real
//! answer (a valid token) written the way vendors drift from their documents.
//!
//! [`Fault::reshape`]: crate::Fault::reshape

use axum::{
    body::Body,
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse as _, Response},
};
use serde_json::{Map, Value};

use crate::http::{self, FORM, JSON};

/// How to rewrite a processed answer: its numbers as strings, extra fields, a form-encoded
/// body. Built with [`Reshape::new`] and its methods, served with [`Fault::reshape`] (once,
/// a few times, or at a rate of 1.0 for every answer).
///
/// The token in the answer is the simulator's real one: a client that copes gets a token the
/// API accepts. The changes apply in this order: extra fields, numbers as strings, form
/// encoding.
///
/// [`Fault::reshape`]: crate::Fault::reshape
///
/// ```
/// use oauth_sim::{Fault, Reshape};
/// use serde_json::json;
///
/// // `"expires_in": "3600"`, an `"issued_at"` field the spec never mentions, in a form body.
/// let drift = Reshape::new().extra_field("issued_at", json!(1525190727056u64)).numbers_as_strings().form_encoded();
/// let fault = Fault::reshape(drift);
/// # let _ = fault;
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Reshape {
    extra: Vec<(String, Value)>,
    numbers_as_strings: bool,
    form: bool,
}

impl Reshape {
    /// No change yet.
    pub fn new() -> Reshape {
        Reshape::default()
    }

    /// Every number of a JSON answer written as a string, at any depth (`"expires_in": "3600"`,
    /// as Microbilt does), extra fields' included.
    pub fn numbers_as_strings(mut self) -> Reshape {
        self.numbers_as_strings = true;
        self
    }

    /// A top-level field the declaration does not name, added to the answer (or replacing a
    /// field of that name).
    pub fn extra_field(mut self, name: impl Into<String>, value: impl Into<Value>) -> Reshape {
        self.extra.push((name.into(), value.into()));
        self
    }

    /// The answer as `application/x-www-form-urlencoded` instead of JSON (as GitHub answers
    /// unless JSON is accepted): strings as they are, other values as their JSON text, `null`s
    /// left out.
    pub fn form_encoded(mut self) -> Reshape {
        self.form = true;
        self
    }

    /// `response` rewritten. A body that is neither a JSON object nor a form (an empty
    /// revocation answer) is left as it is.
    pub(crate) async fn apply(&self, response: Response) -> Response {
        let (mut parts, body) = response.into_parts();
        let Ok(bytes) = axum::body::to_bytes(body, usize::MAX).await else {
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        };
        let was_form =
            parts.headers.get(header::CONTENT_TYPE).is_some_and(|v| v.as_bytes().starts_with(FORM.as_bytes()));
        let fields = match serde_json::from_slice::<Value>(&bytes) {
            Ok(Value::Object(fields)) => Some(fields),
            _ if was_form => Some(
                form_urlencoded::parse(&bytes).map(|(k, v)| (k.into_owned(), Value::String(v.into_owned()))).collect(),
            ),
            _ => None,
        };
        let Some(mut fields) = fields else {
            return Response::from_parts(parts, Body::from(bytes));
        };
        for (name, value) in &self.extra {
            fields.insert(name.clone(), value.clone());
        }
        if self.numbers_as_strings {
            fields = stringify(fields);
        }
        let (content_type, body) = if self.form || was_form {
            (FORM, http::to_form(&fields))
        } else {
            (JSON, Value::Object(fields).to_string())
        };
        parts.headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
        parts.headers.remove(header::CONTENT_LENGTH);
        Response::from_parts(parts, Body::from(body))
    }
}

fn stringify(fields: Map<String, Value>) -> Map<String, Value> {
    fields.into_iter().map(|(k, v)| (k, numbers_to_strings(v))).collect()
}

fn numbers_to_strings(value: Value) -> Value {
    match value {
        Value::Number(n) => Value::String(n.to_string()),
        Value::Object(map) => Value::Object(stringify(map)),
        Value::Array(items) => Value::Array(items.into_iter().map(numbers_to_strings).collect()),
        other => other,
    }
}
