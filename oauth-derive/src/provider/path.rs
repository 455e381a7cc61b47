//! The path syntax of the response keys: `authed_user.access_token`, `data.tokens[0].value`.
//!
//! A path is read into the segments the runtime's `FieldPath::nested` takes, an array index
//! becoming a segment of digits, so that the expansion and the rules compare segments, never
//! spellings (`a[0]` and `a.0` are the same path).

/// A response field's path, read into segments.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct FieldPathArg {
    pub segments: Vec<String>,
}

impl FieldPathArg {
    /// A plain key's value: one literal name, dots and brackets included.
    pub(crate) fn name(name: &str) -> Self {
        FieldPathArg { segments: vec![name.to_owned()] }
    }

    /// Reads `written`, or says what is wrong with it and what to write.
    pub(crate) fn parse(written: &str) -> Result<Self, String> {
        if written.is_empty() {
            return Err("a path cannot be empty: write the field's name, e.g. \"access_token\"".to_owned());
        }
        let mut segments = Vec::new();
        for part in written.split('.') {
            read_part(part, written, &mut segments)?;
        }
        Ok(FieldPathArg { segments })
    }

    /// The path as users write it, with indices in brackets.
    pub(crate) fn display(&self) -> String {
        let mut out = String::new();
        for (i, segment) in self.segments.iter().enumerate() {
            if i > 0 && segment.bytes().all(|b| b.is_ascii_digit()) {
                out.push_str(&format!("[{segment}]"));
            } else {
                if i > 0 {
                    out.push('.');
                }
                out.push_str(segment);
            }
        }
        out
    }
}

/// One dot-separated part: a name, then any number of `[digits]`.
fn read_part(part: &str, written: &str, segments: &mut Vec<String>) -> Result<(), String> {
    if part.is_empty() {
        let fixed: Vec<&str> = written.split('.').filter(|p| !p.is_empty()).collect();
        return Err(format!(
            "the path \"{written}\" has an empty segment (a leading, trailing or doubled `.`): write \"{}\"",
            fixed.join(".")
        ));
    }
    let name_end = part.find(['[', ']']).unwrap_or(part.len());
    let (name, mut rest) = part.split_at(name_end);
    if !name.is_empty() {
        segments.push(name.to_owned());
    }
    while !rest.is_empty() {
        let Some(inner) = rest.strip_prefix('[') else {
            return Err(if rest.starts_with(']') {
                format!("the path \"{written}\" has a `]` without its `[`: write indices as `[0]`")
            } else {
                format!("the path \"{written}\" has text after `]`: separate it with a dot, e.g. `[0].{rest}`")
            });
        };
        let Some(close) = inner.find(']') else {
            return Err(format!("the path \"{written}\" has a `[` without its `]`: write indices as `[0]`"));
        };
        let index = &inner[..close];
        if index.is_empty() || !index.bytes().all(|b| b.is_ascii_digit()) {
            return Err(format!(
                "`[{index}]` in the path \"{written}\" is not an array index: brackets hold digits, \
                 e.g. `[0]`; write an object's field after a dot, e.g. `.{}`",
                if index.is_empty() { "name" } else { index.trim_matches(['"', '\'']) }
            ));
        }
        segments.push(index.to_owned());
        rest = &inner[close + 1..];
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::FieldPathArg;

    fn segments(path: &str) -> Vec<String> {
        FieldPathArg::parse(path).expect(path).segments
    }

    #[test]
    fn reads_dots_and_indices() {
        assert_eq!(segments("access_token"), ["access_token"]);
        assert_eq!(segments("authed_user.access_token"), ["authed_user", "access_token"]);
        assert_eq!(segments("data.tokens[0].value"), ["data", "tokens", "0", "value"]);
        assert_eq!(segments("grid[1][2]"), ["grid", "1", "2"]);
        assert_eq!(segments("[0].token"), ["0", "token"]);
        assert_eq!(FieldPathArg::parse("data.tokens[0].value").unwrap().display(), "data.tokens[0].value");
    }

    #[test]
    fn rejects_malformed_paths() {
        for (path, needle) in [
            ("", "cannot be empty"),
            ("a..b", "empty segment"),
            (".a", "empty segment"),
            ("a.", "empty segment"),
            ("a[0", "`[` without its `]`"),
            ("a]0", "`]` without its `[`"),
            ("a[0]b", "text after `]`"),
            ("a[]", "not an array index"),
            ("a[x]", "not an array index"),
            ("a[0]]", "`]` without its `[`"),
        ] {
            let err = FieldPathArg::parse(path).expect_err(path);
            assert!(err.contains(needle), "{path}: {err}");
        }
    }
}
