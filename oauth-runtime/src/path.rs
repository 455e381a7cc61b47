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
/// `/`, `?`, `#`, `%` and the other delimiters are encoded. The dot segments `.` and `..` are
/// encoded too, but URL parsing resolves even the encoded forms (`/charges/%2E%2E` is `/`), so
/// [`Client::operation`](crate::Client::operation) refuses a path that holds one: a value
/// cannot move a call to another endpoint.
///
/// ```
/// use oauth_runtime::encode_segment;
/// assert_eq!(encode_segment(&"a b/c?d"), "a%20b%2Fc%3Fd");
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

/// Whether `path` holds a dot segment, plain or percent-encoded (URL parsing resolves both).
pub(crate) fn has_dot_segment(path: &str) -> bool {
    let path = path.split(['?', '#']).next().unwrap_or_default();
    path.split('/').any(|segment| {
        let decoded = segment.to_ascii_lowercase().replace("%2e", ".");
        decoded == "." || decoded == ".."
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dot_segments_are_found_encoded_or_not() {
        for path in ["/a/../b", "/a/%2E%2e", "/.", "/x/.%2E/y", "/a/%2e?q=.."] {
            assert!(has_dot_segment(path), "{path}");
        }
        for path in ["/a/b", "/a/...", "/a/b.c", "/a?x=..", "/%2e%2e%2e"] {
            assert!(!has_dot_segment(path), "{path}");
        }
        assert!(has_dot_segment(&format!("/charges/{}", encode_segment(&".."))));
    }

    #[test]
    fn one_value_is_one_segment() {
        let base = url::Url::parse("https://h/api/").unwrap();
        for value in ["a/../b", "x?y=1#z", "50%", "é €", "%2F", "{id}", "a\\b"] {
            let url = base.join(&format!("charges/{}/tail", encode_segment(&value))).unwrap();
            let segments: Vec<_> = url.path_segments().unwrap().collect();
            assert_eq!(segments.len(), 4, "{value:?} -> {url}");
            let decoded = percent_encoding::percent_decode_str(segments[2]).decode_utf8().unwrap();
            assert_eq!(decoded, value, "{url}");
            assert!(url.query().is_none() && url.fragment().is_none(), "{url}");
        }
    }
}
