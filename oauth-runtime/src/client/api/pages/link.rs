//! The `rel="next"` target of a `Link` header (RFC 8288 section 3).
//!
//! Hand-written: the grammar is small, and only one question is asked of it (which target has
//! the relation `next`), so a general parser would add a dependency for a dozen lines.

/// The target of the first link whose `rel` holds `next`, in `values` (the header's lines, in
/// order): a URI reference, to resolve against the page's URL. `None` when there is none, or
/// a line cannot be read past the point where it went wrong.
pub(super) fn next_target<'a>(values: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    values.into_iter().find_map(next_in)
}

/// [`next_target`] in one header line: `<url>; rel="next", <url>; rel="last"`.
fn next_in(line: &str) -> Option<&str> {
    let mut rest = line;
    loop {
        rest = rest.trim_start_matches([' ', '\t', ',']);
        let inner = rest.strip_prefix('<')?;
        let close = inner.find('>')?;
        let target = inner[..close].trim();
        rest = &inner[close + 1..];
        let mut rel: Option<&str> = None;
        while let Some(param) = rest.trim_start_matches([' ', '\t']).strip_prefix(';') {
            let (name, value, after) = read_param(param)?;
            // Only the first `rel` counts (section 3.3).
            if rel.is_none() && name.eq_ignore_ascii_case("rel") {
                rel = Some(value);
            }
            rest = after;
        }
        // A relation type list is space-separated and compared ignoring case.
        if rel.is_some_and(|rel| rel.split_ascii_whitespace().any(|r| r.eq_ignore_ascii_case("next"))) {
            return Some(target);
        }
        // On to the next link: what follows the parameters is `,` or the end.
        rest = &rest[rest.find(',')? + 1..];
    }
}

/// One `name[=value]` parameter, after its `;`: the name, the value (a token or the inside of
/// a quoted string, escapes kept), and the text after it. `None` for an unterminated string.
fn read_param(param: &str) -> Option<(&str, &str, &str)> {
    let param = param.trim_start_matches([' ', '\t']);
    let end = param.find(['=', ';', ',', ' ', '\t']).unwrap_or(param.len());
    let (name, rest) = param.split_at(end);
    let rest = rest.trim_start_matches([' ', '\t']);
    let Some(value) = rest.strip_prefix('=') else { return Some((name, "", rest)) };
    let value = value.trim_start_matches([' ', '\t']);
    if let Some(quoted) = value.strip_prefix('"') {
        let mut escaped = false;
        for (i, c) in quoted.char_indices() {
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => return Some((name, &quoted[..i], &quoted[i + 1..])),
                _ => {}
            }
        }
        return None;
    }
    let end = value.find([';', ',', ' ', '\t']).unwrap_or(value.len());
    Some((name, &value[..end], &value[end..]))
}

#[cfg(test)]
mod tests {
    use super::next_target;

    fn next(line: &str) -> Option<&str> {
        next_target([line])
    }

    #[test]
    fn finds_the_next_link() {
        let github = r#"<https://api.github.com/repositories/1/issues?page=2>; rel="next", <https://api.github.com/repositories/1/issues?page=5>; rel="last""#;
        assert_eq!(next(github), Some("https://api.github.com/repositories/1/issues?page=2"));
        let last_first = r#"<https://h/x?page=1>; rel="prev", <https://h/x?page=3>; rel="next""#;
        assert_eq!(next(last_first), Some("https://h/x?page=3"));
        assert_eq!(next("</x?page=2>;rel=next"), Some("/x?page=2"), "a token value, no spaces");
        assert_eq!(next(r#"<a>; rel="prev next""#), Some("a"), "a relation list");
        assert_eq!(next(r#"<a>; REL="NEXT""#), Some("a"), "names and types ignore case");
        assert_eq!(next(r#"<a,b>; title="x, y; z"; rel="next""#), Some("a,b"), "commas inside <> and quotes");
        assert_eq!(next(r#"<a>; title="say \"next\""; rel=next"#), Some("a"), "escaped quotes");
        assert_eq!(next(r#"<a>; anchor; rel="next""#), Some("a"), "a parameter without value");
        assert_eq!(next_target([r#"<a>; rel="last""#, r#"<b>; rel="next""#]), Some("b"), "several lines");
    }

    #[test]
    fn ends_without_one() {
        for line in [
            "",
            r#"<https://h/x?page=4>; rel="prev""#,
            r#"<a>; rel="nextpage""#,
            r#"<a>; rel="last"; rel="next""#,
            r#"<a>; title="unterminated; rel="next""#,
            r#"https://h/x; rel="next""#,
            r#"<a; rel="next""#,
            "garbage",
        ] {
            assert_eq!(next(line), None, "{line}");
        }
    }
}
