//! Path segments built from values, for declared operations' path templates.

use std::fmt::Display;

use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};

/// What may not appear raw in one path segment: the separators and delimiters of a URL, and
/// `%` itself, so that a value is one segment and means exactly itself.
const SEGMENT: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'/')
    .add(b';')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}')
    .add(b'\\')
    .add(b'[')
    .add(b']')
    .add(b'^')
    .add(b'|');

/// `value` percent-encoded as exactly one path segment.
///
/// `/`, `?`, `#`, `%`, `;` (path parameters, which some servers strip: `..;x` is `..` to them)
/// and the other delimiters are encoded. The dot segments `.` and `..` are encoded too, but URL
/// parsing resolves even the encoded forms (`/charges/%2E%2E` is `/`), so
/// [`Client::operation`](crate::Client::operation) refuses a path argument that is empty or
/// dot-like: a value cannot move a call to another endpoint.
///
/// ```
/// use oauth_runtime::encode_segment;
/// assert_eq!(encode_segment(&"a b/c?d;e"), "a%20b%2Fc%3Fd%3Be");
/// assert_eq!(encode_segment(&".."), "%2E%2E");
/// assert_eq!(encode_segment(&42), "42");
/// ```
pub fn encode_segment(value: &dyn Display) -> String {
    let raw = value.to_string();
    match raw.as_str() {
        "." => "%2E".to_owned(),
        ".." => "%2E%2E".to_owned(),
        _ => utf8_percent_encode(&raw, SEGMENT).to_string(),
    }
}

/// One piece of a declared operation's path template: text as written, or an argument's
/// value, encoded as one segment by [`Client::operation`](crate::Client::operation) once it
/// is checked. Generated code builds these; not part of the API.
#[doc(hidden)]
#[derive(Clone, Copy)]
pub enum PathPiece<'a> {
    /// Template text, sent as written.
    Text(&'static str),
    /// The argument `name`'s value.
    Arg(&'static str, &'a dyn Display),
}

/// The path of [`Client::operation`](crate::Client::operation): a path as written (`&str`), or
/// a template's pieces (`&[PathPiece]`, what generated operations pass).
#[derive(Clone, Copy)]
pub struct OperationPath<'a>(Repr<'a>);

#[derive(Clone, Copy)]
enum Repr<'a> {
    Plain(&'a str),
    Template(&'a [PathPiece<'a>]),
}

impl<'a> From<&'a str> for OperationPath<'a> {
    fn from(path: &'a str) -> Self {
        OperationPath(Repr::Plain(path))
    }
}

impl<'a> From<&'a String> for OperationPath<'a> {
    fn from(path: &'a String) -> Self {
        OperationPath(Repr::Plain(path))
    }
}

impl<'a> From<&'a [PathPiece<'a>]> for OperationPath<'a> {
    fn from(pieces: &'a [PathPiece<'a>]) -> Self {
        OperationPath(Repr::Template(pieces))
    }
}

impl<'a, const N: usize> From<&'a [PathPiece<'a>; N]> for OperationPath<'a> {
    fn from(pieces: &'a [PathPiece<'a>; N]) -> Self {
        OperationPath(Repr::Template(pieces))
    }
}

impl OperationPath<'_> {
    /// The path with every argument encoded, or what is wrong with an argument.
    pub(crate) fn render(&self) -> Result<String, String> {
        let path = match self.0 {
            Repr::Plain(path) => path.to_owned(),
            Repr::Template(pieces) => {
                let mut path = String::new();
                for piece in pieces {
                    match piece {
                        PathPiece::Text(text) => path.push_str(text),
                        PathPiece::Arg(name, value) => {
                            let raw = value.to_string();
                            if raw.is_empty() {
                                return Err(format!(
                                    "the path argument `{name}` is empty, which would leave an empty segment \
                                     (`//`, or a trailing `/`) and call another endpoint: pass a value"
                                ));
                            }
                            if dot_like(&raw) {
                                return Err(format!(
                                    "the path argument `{name}` is a dot segment (`.` or `..`, possibly \
                                     percent-encoded or followed by `;`), which would move the call to \
                                     another endpoint: pass the resource's own identifier"
                                ));
                            }
                            path.push_str(&encode_segment(&raw));
                        }
                    }
                }
                path
            }
        };
        if has_dot_segment(&path) {
            return Err("the path holds a dot segment (`.` or `..`), which would change the endpoint".to_owned());
        }
        Ok(path)
    }
}

/// Whether a segment means `.` or `..` to some server: once percent-decoded (as often as it
/// decodes), up to a `;` path parameter (`..;x` is `..` to servers that strip parameters).
fn dot_like(segment: &str) -> bool {
    let mut text = segment.to_owned();
    for _ in 0..4 {
        let decoded = percent_encoding::percent_decode_str(&text).decode_utf8_lossy().into_owned();
        if decoded == text {
            break;
        }
        text = decoded;
    }
    let head = text.split(';').next().unwrap_or_default();
    head == "." || head == ".."
}

/// Whether `path` holds a dot segment, plain or percent-encoded (URL parsing resolves both),
/// `;` parameters included.
pub(crate) fn has_dot_segment(path: &str) -> bool {
    let path = path.split(['?', '#']).next().unwrap_or_default();
    path.split('/').any(dot_like)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dot_segments_are_found_encoded_or_not() {
        for path in [
            "/a/../b",
            "/a/%2E%2e",
            "/.",
            "/x/.%2E/y",
            "/a/%2e?q=..",
            "/a/..;/b",
            "/.;x",
            "/a/%2e%2e%3B",
            "/%252e%252e",
        ] {
            assert!(has_dot_segment(path), "{path}");
        }
        for path in ["/a/b", "/a/...", "/a/b.c", "/a?x=..", "/%2e%2e%2e", "/a/...;x", "/a;v=1/b"] {
            assert!(!has_dot_segment(path), "{path}");
        }
        assert!(has_dot_segment(&format!("/charges/{}", encode_segment(&".."))));
    }

    #[test]
    fn empty_and_dot_like_arguments_are_refused() {
        let render = |value: &str| {
            OperationPath::from(&[PathPiece::Text("/users/"), PathPiece::Arg("id", &value), PathPiece::Text("/repos")])
                .render()
        };
        assert_eq!(render("a;b").unwrap(), "/users/a%3Bb/repos");
        assert_eq!(render("...").unwrap(), "/users/.../repos");
        assert!(render("").unwrap_err().contains("`id` is empty"));
        for bad in [".", "..", "..;", ".;x", "..;x=1", "%2e", "%2E%2e", "%2e%2e%3b", "%252e%252e", ".%2E"] {
            let err = render(bad).unwrap_err();
            assert!(err.contains("`id` is a dot segment"), "{bad:?}: {err}");
        }
        assert_eq!(OperationPath::from("/users/").render().unwrap(), "/users/", "template text is kept");
        assert!(OperationPath::from("/a/..;/b").render().is_err());
    }

    #[test]
    fn one_value_is_one_segment() {
        let base = url::Url::parse("https://h/api/").unwrap();
        for value in ["a/../b", "x?y=1#z", "50%", "é €", "%2F", "{id}", "a\\b", "..;x", "a;b=c"] {
            let url = base.join(&format!("charges/{}/tail", encode_segment(&value))).unwrap();
            let segments: Vec<_> = url.path_segments().unwrap().collect();
            assert_eq!(segments.len(), 4, "{value:?} -> {url}");
            let decoded = percent_encoding::percent_decode_str(segments[2]).decode_utf8().unwrap();
            assert_eq!(decoded, value, "{url}");
            assert!(url.query().is_none() && url.fragment().is_none(), "{url}");
        }
    }
}
