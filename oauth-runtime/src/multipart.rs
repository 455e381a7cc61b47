//! `multipart/form-data` request bodies (RFC 7578), as data (feature `multipart`).
//!
//! reqwest's own form is a stream that can be sent once, and a call must be sendable twice
//! (after a 401 the token is renewed and the call replayed). A [`Multipart`] is an owned list
//! of parts whose contents are [`Bytes`]: cloning it copies no content, and the client writes a
//! new reqwest form from it for each attempt ([`ApiRequest::multipart`]).
//!
//! [`ApiRequest::multipart`]: crate::ApiRequest::multipart

use std::fmt;

use bytes::Bytes;
use serde::Serialize;

/// A `multipart/form-data` body: named parts, each text or bytes, with a file name and a
/// content type where the API asks for them.
///
/// Cheap to clone (the contents are [`Bytes`]), and sent again as it is after a 401. Its
/// `Debug` shows the names, file names, content types and sizes of the parts, never their
/// contents.
///
/// ```no_run
/// # async fn demo<P>(client: oauth_runtime::Client<P>, png: Vec<u8>) -> Result<(), oauth_runtime::Error> {
/// use oauth_runtime::Multipart;
///
/// let form = Multipart::new()
///     .text("title", "Sunset")
///     .file("image", "sunset.png", "image/png", png);
/// assert!(!format!("{form:?}").contains("Sunset"));
/// let created: serde_json::Value = client.post("/v1/images").multipart(form).send_json().await?;
/// # Ok(()) }
/// ```
#[derive(Clone, Default)]
#[non_exhaustive]
pub struct Multipart {
    parts: Vec<Part>,
    /// Why a value could not be written as a part (the first such): the call then fails
    /// unsent, as a JSON body that cannot be written does.
    unwritable: Option<String>,
}

impl Multipart {
    /// A form with no parts.
    pub fn new() -> Multipart {
        Multipart::default()
    }

    /// Adds a text part (no file name, no content type: `text/plain` to the server).
    ///
    /// ```
    /// let form = oauth_runtime::Multipart::new().text("name", "Rex").text("tag", "dog").text("tag", "good");
    /// assert_eq!(form.parts().iter().filter(|p| p.name() == "tag").count(), 2);
    /// ```
    pub fn text(self, name: impl Into<String>, value: impl Into<String>) -> Multipart {
        self.part(Part::text(name, value))
    }

    /// Adds a part of bytes with its content type and no file name (a JSON document, say).
    ///
    /// ```
    /// let form = oauth_runtime::Multipart::new().bytes("metadata", "application/json", r#"{"a":1}"#);
    /// assert_eq!(form.parts()[0].content_type(), Some("application/json"));
    /// ```
    pub fn bytes(self, name: impl Into<String>, content_type: impl Into<String>, data: impl Into<Bytes>) -> Multipart {
        self.part(Part::bytes(name, data).with_content_type(content_type))
    }

    /// Adds a file: bytes with a file name and a content type.
    ///
    /// ```
    /// let form = oauth_runtime::Multipart::new().file("file", "report.pdf", "application/pdf", vec![0x25, 0x50]);
    /// let part = &form.parts()[0];
    /// assert_eq!((part.file_name(), part.len()), (Some("report.pdf"), 2));
    /// ```
    pub fn file(
        self,
        name: impl Into<String>,
        file_name: impl Into<String>,
        content_type: impl Into<String>,
        data: impl Into<Bytes>,
    ) -> Multipart {
        self.part(Part::bytes(name, data).with_file_name(file_name).with_content_type(content_type))
    }

    /// Adds a file given as a [`FilePart`] (its file name, and its content type or
    /// `application/octet-stream`, as RFC 7578 section 4.4 asks for a file of unknown type).
    ///
    /// ```
    /// use oauth_runtime::{Multipart, multipart::FilePart};
    /// let scan = FilePart::new("scan.pdf", vec![0x25, 0x50]).with_content_type("application/pdf");
    /// let form = Multipart::new().file_part("document", &scan).file_part("raw", &FilePart::new("raw.bin", vec![1]));
    /// assert_eq!(form.parts()[0].content_type(), Some("application/pdf"));
    /// assert_eq!(form.parts()[1].content_type(), Some("application/octet-stream"));
    /// ```
    pub fn file_part(self, name: impl Into<String>, file: &FilePart) -> Multipart {
        let content_type = file.content_type.as_deref().unwrap_or("application/octet-stream");
        self.file(name, file.file_name.as_str(), content_type, file.body.clone())
    }

    /// Adds `value` as a JSON part (`Content-Type: application/json`).
    ///
    /// ```
    /// #[derive(serde::Serialize)]
    /// struct Meta { width: u32 }
    /// let form = oauth_runtime::Multipart::new().json("meta", &Meta { width: 640 });
    /// assert_eq!(form.parts()[0].body().as_ref(), br#"{"width":640}"#);
    /// ```
    ///
    /// A value that cannot be written as JSON (a map whose keys are not strings, say) makes
    /// the call fail with [`Error::Argument`](crate::Error::Argument), unsent.
    pub fn json<T: Serialize + ?Sized>(self, name: impl Into<String>, value: &T) -> Multipart {
        let name = name.into();
        match serde_json::to_vec(value) {
            Ok(body) => self.bytes(name, "application/json", body),
            Err(e) => self.unwritable(&name, &e),
        }
    }

    /// Adds `value` the way HTML forms send values: a string as it is, a number or a boolean
    /// as written in JSON, nothing for `None` (`null`), one part per item for a list, and an
    /// object (a struct, a map) as a JSON part. What an OpenAPI document's multipart object
    /// schema declares for its properties that are not files.
    ///
    /// ```
    /// use serde_json::json;
    /// let form = oauth_runtime::Multipart::new()
    ///     .field("title", &"Sunset")
    ///     .field("width", &640)
    ///     .field("public", &true)
    ///     .field("alt", &None::<String>)
    ///     .field("tags", &["sky", "sea"])
    ///     .field("meta", &json!({"camera": "X100"}));
    /// let sent: Vec<(&str, &[u8])> = form.parts().iter().map(|p| (p.name(), p.body().as_ref())).collect();
    /// assert_eq!(sent, [
    ///     ("title", &b"Sunset"[..]),
    ///     ("width", b"640"),
    ///     ("public", b"true"),
    ///     ("tags", b"sky"),
    ///     ("tags", b"sea"),
    ///     ("meta", br#"{"camera":"X100"}"#),
    /// ]);
    /// assert_eq!(form.parts()[5].content_type(), Some("application/json"));
    /// ```
    ///
    /// A value that cannot be written (a map whose keys are not strings, say) makes the call
    /// fail with [`Error::Argument`](crate::Error::Argument), unsent.
    pub fn field<T: Serialize + ?Sized>(self, name: impl Into<String>, value: &T) -> Multipart {
        let name = name.into();
        match serde_json::to_value(value) {
            Ok(serde_json::Value::Array(items)) => items.iter().fold(self, |form, item| form.value(&name, item)),
            Ok(value) => self.value(&name, &value),
            Err(e) => self.unwritable(&name, &e),
        }
    }

    /// One value of [`field`](Self::field); a list inside a list is one JSON part.
    fn value(self, name: &str, value: &serde_json::Value) -> Multipart {
        use serde_json::Value;
        match value {
            Value::Null => self,
            Value::String(text) => self.text(name, text.as_str()),
            Value::Bool(_) | Value::Number(_) => self.text(name, value.to_string()),
            Value::Array(_) | Value::Object(_) => self.bytes(name, "application/json", value.to_string()),
        }
    }

    /// The form, marked as one that cannot be sent (the first reason is kept).
    fn unwritable(mut self, name: &str, e: &serde_json::Error) -> Multipart {
        self.unwritable.get_or_insert_with(|| format!("the multipart part `{name}` cannot be written: {e}"));
        self
    }

    /// Adds a part made with [`Part`]'s constructors.
    pub fn part(mut self, part: Part) -> Multipart {
        self.parts.push(part);
        self
    }

    /// The parts, in the order they are sent.
    pub fn parts(&self) -> &[Part] {
        &self.parts
    }

    /// Whether the form has no parts.
    pub fn is_empty(&self) -> bool {
        self.parts.is_empty()
    }

    /// The form as reqwest writes it: a stream, made anew for each attempt.
    ///
    /// # Errors
    ///
    /// A value that could not be written as a part; a part's content type that is no media
    /// type (`png`, `a b`), as reqwest reports it.
    pub(crate) fn to_form(&self) -> Result<reqwest::multipart::Form, Unsendable> {
        if let Some(reason) = &self.unwritable {
            return Err(Unsendable::Value(reason.clone()));
        }
        // Names as browsers write them (the HTML standard's form encoding): UTF-8 as it is,
        // with `"`, CR and LF escaped. reqwest's default writes a name with a space or a
        // non-ASCII letter as RFC 5987's `name*=utf-8''..`, which RFC 7578 does not use (its
        // section 4.2 forbids it for file names) and multipart parsers do not read.
        let mut form = reqwest::multipart::Form::new().percent_encode_noop();
        for part in &self.parts {
            // With its length, so that the form's length, and `Content-Length`, are known.
            let mut out =
                reqwest::multipart::Part::stream_with_length(reqwest::Body::from(part.body.clone()), part.len() as u64);
            if let Some(file_name) = &part.file_name {
                out = out.file_name(file_name.clone());
            }
            if let Some(content_type) = &part.content_type {
                out = out.mime_str(content_type).map_err(Unsendable::Part)?;
            }
            form = form.part(html_escaped(&part.name), out);
        }
        Ok(form)
    }
}

/// Why a form cannot be sent.
pub(crate) enum Unsendable {
    /// A value given to [`Multipart::json`] or [`Multipart::field`] could not be written.
    Value(String),
    /// reqwest refused a part (a content type that is no media type).
    Part(reqwest::Error),
}

/// `name` with `"`, CR and LF percent-encoded, as the HTML standard writes form field names.
fn html_escaped(name: &str) -> String {
    name.replace('"', "%22").replace('\r', "%0D").replace('\n', "%0A")
}

impl fmt::Debug for Multipart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Multipart").field("parts", &self.parts).finish()
    }
}

/// A file to send in a [`Multipart`] form ([`Multipart::file_part`]): its file name, its
/// contents and, optionally, its content type. The type of the file fields of the structs the
/// OpenAPI generator writes for multipart request bodies.
///
/// Cheap to clone; its `Debug` shows the file name, the content type and the size, never the
/// contents.
///
/// ```
/// use oauth_runtime::multipart::FilePart;
/// let png = FilePart::new("logo.png", vec![0x89, b'P', b'N', b'G']).with_content_type("image/png");
/// assert_eq!(format!("{png:?}"), r#"FilePart { file_name: "logo.png", content_type: Some("image/png"), bytes: 4 }"#);
/// ```
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct FilePart {
    file_name: String,
    content_type: Option<String>,
    body: Bytes,
}

impl FilePart {
    /// A file named `file_name` holding `body` (`Vec<u8>` and `Bytes` are taken without a
    /// copy), sent as `application/octet-stream` unless given a content type.
    pub fn new(file_name: impl Into<String>, body: impl Into<Bytes>) -> FilePart {
        FilePart { file_name: file_name.into(), content_type: None, body: body.into() }
    }

    /// Sets the content type (`image/png`).
    pub fn with_content_type(self, content_type: impl Into<String>) -> FilePart {
        FilePart { content_type: Some(content_type.into()), ..self }
    }

    /// The file name.
    pub fn file_name(&self) -> &str {
        &self.file_name
    }

    /// The content type, if one was given.
    pub fn content_type(&self) -> Option<&str> {
        self.content_type.as_deref()
    }

    /// The contents.
    pub fn body(&self) -> &Bytes {
        &self.body
    }
}

impl fmt::Debug for FilePart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FilePart")
            .field("file_name", &self.file_name)
            .field("content_type", &self.content_type)
            .field("bytes", &self.body.len())
            .finish()
    }
}

/// A value sent as a `multipart/form-data` body: what an `#[oauth_api]` argument marked
/// `#[multipart]` must implement, as the structs the OpenAPI generator writes for multipart
/// request bodies do.
///
/// ```
/// use oauth_runtime::{Multipart, ToMultipart};
///
/// struct Avatar { user: String, png: bytes::Bytes }
///
/// impl ToMultipart for Avatar {
///     fn to_multipart(&self) -> Multipart {
///         // `Bytes` clone without copying the contents.
///         Multipart::new().text("user", self.user.as_str()).file("avatar", "avatar.png", "image/png", self.png.clone())
///     }
/// }
///
/// let avatar = Avatar { user: "ada".into(), png: bytes::Bytes::from_static(b"\x89PNG") };
/// assert_eq!(avatar.to_multipart().parts().len(), 2);
/// ```
pub trait ToMultipart {
    /// The form.
    fn to_multipart(&self) -> Multipart;
}

impl ToMultipart for Multipart {
    fn to_multipart(&self) -> Multipart {
        self.clone()
    }
}

/// One part of a [`Multipart`] body: a name, its contents, and optionally a file name and a
/// content type.
///
/// ```
/// use oauth_runtime::{Multipart, multipart::Part};
///
/// let part = Part::bytes("avatar", vec![0x89, b'P', b'N', b'G'])
///     .with_file_name("me.png")
///     .with_content_type("image/png");
/// let form = Multipart::new().part(part);
/// assert_eq!(
///     format!("{form:?}"),
///     r#"Multipart { parts: [Part { name: "avatar", file_name: Some("me.png"), content_type: Some("image/png"), bytes: 4 }] }"#
/// );
/// ```
#[derive(Clone)]
#[non_exhaustive]
pub struct Part {
    name: String,
    file_name: Option<String>,
    content_type: Option<String>,
    body: Bytes,
}

impl Part {
    /// A text part named `name`.
    pub fn text(name: impl Into<String>, value: impl Into<String>) -> Part {
        Part::bytes(name, value.into())
    }

    /// A part of bytes named `name`, with no file name and no content type yet.
    pub fn bytes(name: impl Into<String>, data: impl Into<Bytes>) -> Part {
        Part { name: name.into(), file_name: None, content_type: None, body: data.into() }
    }

    /// Sets the file name (`filename="…"` in the part's `Content-Disposition`).
    pub fn with_file_name(self, file_name: impl Into<String>) -> Part {
        Part { file_name: Some(file_name.into()), ..self }
    }

    /// Sets the content type. One that is no media type makes the call fail with
    /// [`Error::Request`](crate::Error::Request) when sent, as an invalid header does.
    pub fn with_content_type(self, content_type: impl Into<String>) -> Part {
        Part { content_type: Some(content_type.into()), ..self }
    }

    /// The name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The file name, if any.
    pub fn file_name(&self) -> Option<&str> {
        self.file_name.as_deref()
    }

    /// The content type, if any.
    pub fn content_type(&self) -> Option<&str> {
        self.content_type.as_deref()
    }

    /// The contents.
    pub fn body(&self) -> &Bytes {
        &self.body
    }

    /// The length of the contents, in bytes.
    pub fn len(&self) -> usize {
        self.body.len()
    }

    /// Whether the contents are empty.
    pub fn is_empty(&self) -> bool {
        self.body.is_empty()
    }
}

impl fmt::Debug for Part {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The contents may be anything, a document or a secret: their size only.
        f.debug_struct("Part")
            .field("name", &self.name)
            .field("file_name", &self.file_name)
            .field("content_type", &self.content_type)
            .field("bytes", &self.body.len())
            .finish()
    }
}
