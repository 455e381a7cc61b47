//! Short, secret-free excerpts of response bodies for error messages.

const EXCERPT_CHARS: usize = 160;
const SCAN_BYTES: usize = 4096;
const MASK: &str = "[REDACTED]";

/// The start of `body` as text, with every known secret and the value of every
/// secret-looking field removed.
///
/// Known secrets are the credentials and tokens the client holds; a vendor that echoes one
/// back anywhere (an HTML page, a debug dump) must not put it in an error. Field values are
/// masked by name because a response may carry a token we have never seen.
pub(crate) fn excerpt(body: &[u8], known_secrets: &[&str]) -> String {
    let head = &body[..body.len().min(SCAN_BYTES)];
    let text = known(String::from_utf8_lossy(head).trim(), known_secrets);
    let text = mask_json_values(&text);
    let text = mask_form_values(&text);
    shorten(&text)
}

/// `text` with every known secret masked: for values shown whole, such as an error code.
///
/// Characters that `Debug` would escape become a space (line breaks, tabs) or U+FFFD first, so
/// that the masked text is the text shown: otherwise a body holding a tab before `ok123` would
/// print `\tok123`, which spells the secret `tok123` without containing it. It also keeps
/// line breaks out of logs.
pub(crate) fn known(text: &str, known_secrets: &[&str]) -> String {
    let mut text = printable(text);
    for secret in known_secrets.iter().filter(|s| !s.is_empty()) {
        if text.contains(secret) {
            text = text.replace(secret, MASK);
        }
    }
    text
}

fn printable(text: &str) -> String {
    let escaped_by_debug = |c: char| !matches!(c, '"' | '\'' | '\\') && c.escape_debug().len() > 1;
    text.chars()
        .map(|c| match c {
            '\t' | '\n' | '\r' => ' ',
            c if escaped_by_debug(c) => char::REPLACEMENT_CHARACTER,
            c => c,
        })
        .collect()
}

/// Whether a field name suggests a secret value.
pub(crate) fn is_sensitive(key: &str) -> bool {
    let key = key.to_ascii_lowercase();
    ["token", "secret", "password", "assertion", "code_verifier"].iter().any(|k| key.contains(k))
        && key != "token_type"
        && key != "tokentype"
}

/// Masks the string value of every sensitive key in JSON-looking text, even when truncated.
fn mask_json_values(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'"' {
            let next = text[i..].find('"').map_or(text.len(), |p| i + p);
            out.push_str(&text[i..next]);
            i = next;
            continue;
        }
        let end = string_end(bytes, i + 1);
        let key = &text[i + 1..end.min(text.len())];
        out.push_str(&text[i..(end + 1).min(text.len())]);
        i = end + 1;
        if i >= bytes.len() || !is_sensitive(key) {
            continue;
        }
        let mut j = i;
        while j < bytes.len() && (bytes[j] as char).is_ascii_whitespace() {
            j += 1;
        }
        if j >= bytes.len() || bytes[j] != b':' {
            continue;
        }
        j += 1;
        while j < bytes.len() && (bytes[j] as char).is_ascii_whitespace() {
            j += 1;
        }
        if j < bytes.len() && bytes[j] == b'"' {
            let value_end = string_end(bytes, j + 1);
            out.push_str(&text[i..=j]);
            out.push_str(MASK);
            if value_end < bytes.len() {
                out.push('"');
            }
            i = value_end + 1;
        }
    }
    out
}

/// Index of the closing quote of a JSON string starting at `from`, or `bytes.len()`.
fn string_end(bytes: &[u8], from: usize) -> usize {
    let mut k = from;
    while k < bytes.len() {
        match bytes[k] {
            b'\\' => k += 2,
            b'"' => return k,
            _ => k += 1,
        }
    }
    bytes.len()
}

/// Masks sensitive values in `a=b&c=d` text.
fn mask_form_values(text: &str) -> String {
    if !text.contains('=') || text.trim_start().starts_with(['{', '<', '[']) {
        return text.to_owned();
    }
    text.split('&')
        .map(|pair| match pair.split_once('=') {
            Some((k, _)) if is_sensitive(k) => format!("{k}={MASK}"),
            _ => pair.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("&")
}

fn shorten(text: &str) -> String {
    match text.char_indices().nth(EXCERPT_CHARS) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_cannot_spell_a_secret() {
        // Found by the fuzz target: `Debug` printed the tab as `\t`, spelling `tok...`.
        let e = excerpt(b"{\"Error\":\"\tok.Zq9 rejected\nnext\x01line\"}", &["tok.Zq9"]);
        let shown = format!("{e:?}");
        assert!(!shown.contains("tok.Zq9") && !shown.contains("\\n"), "{shown}");
        assert!(e.contains(" ok.Zq9 rejected next\u{fffd}line"), "{e}");
    }

    #[test]
    fn masks_known_secrets_anywhere() {
        let e = excerpt(b"<html>your secret is hunter2, really hunter2</html>", &["hunter2"]);
        assert!(!e.contains("hunter2"), "{e}");
        assert!(e.contains("[REDACTED]"));
    }

    #[test]
    fn masks_sensitive_json_values_even_truncated() {
        let e = excerpt(br#"{"access_token": "abc.def", "refreshToken":"xyz", "expires_in": 5, "id_token": "tru"#, &[]);
        assert!(!e.contains("abc.def") && !e.contains("xyz") && !e.contains("tru\""), "{e}");
        assert!(e.contains("expires_in"), "{e}");
        let e = excerpt(br#"{"accessToken": "abc\"def"}"#, &[]);
        assert!(!e.contains("def"), "{e}");
    }

    #[test]
    fn keeps_token_type_and_masks_form_values() {
        let e = excerpt(b"access_token=abc&token_type=bearer&client_secret=s", &[]);
        assert_eq!(e, "access_token=[REDACTED]&token_type=bearer&client_secret=[REDACTED]");
    }

    #[test]
    fn shortens_on_a_char_boundary() {
        let body = "é".repeat(500);
        let e = excerpt(body.as_bytes(), &[]);
        assert_eq!(e.chars().count(), EXCERPT_CHARS + 1);
    }
}
