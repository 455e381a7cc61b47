//! How one value becomes query pairs: the serialization styles OpenAPI names for query
//! parameters, one rule that [`ApiRequest::query_param`](crate::ApiRequest::query_param),
//! [`ApiRequest::query_styled`](crate::ApiRequest::query_styled) and `#[query]` arguments share.

use serde_json::Value;

/// How [`ApiRequest::query_styled`](crate::ApiRequest::query_styled) writes a list or an object
/// under one name: the styles of OpenAPI's query parameters. `None` is never sent, in any style;
/// a string, a number or a boolean is `name=value` in every style but
/// [`DeepObject`](Self::DeepObject).
///
/// | style | a list `[1, 2]` | an object `{"a": 1, "b": 2}` | OpenAPI |
/// |---|---|---|---|
/// | [`Repeated`](Self::Repeated) | `id=1&id=2` | refused | `form`, `explode: true` (the default) |
/// | [`Comma`](Self::Comma) | `id=1,2` | `id=a,1,b,2` | `form`, `explode: false` |
/// | [`Space`](Self::Space) | `id=1%202` | `id=a%201%20b%202` | `spaceDelimited` |
/// | [`Pipe`](Self::Pipe) | `id=1\|2` | `id=a\|1\|b\|2` | `pipeDelimited` |
/// | [`DeepObject`](Self::DeepObject) | refused | `id[a]=1&id[b]=2` | `deepObject` |
///
/// An object's keys come in the order serde_json keeps them: sorted, unless its
/// `preserve_order` feature is on somewhere in the build (then a struct's field order).
///
/// A value a style has no form for (a list of lists, say) makes the call fail with
/// [`Error::Argument`](crate::Error::Argument) before anything is sent. Delimiters inside the
/// values are not escaped (OpenAPI defines no escape): a server reads `id=a,b` as two values
/// whichever way they were meant.
///
/// ```
/// use oauth_runtime::QueryStyle;
///
/// let style = QueryStyle::Pipe;
/// assert_eq!(style, QueryStyle::Pipe);
/// assert_eq!(QueryStyle::default(), QueryStyle::Repeated);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum QueryStyle {
    /// One pair per element of a list: `id=1&id=2`.
    #[default]
    Repeated,
    /// A list's elements (an object's keys and values) joined by commas: `id=1,2`.
    Comma,
    /// Joined by spaces: `id=1%202`.
    Space,
    /// Joined by pipes: `id=1|2`.
    Pipe,
    /// An object's fields, each under the name with its key in brackets: `id[a]=1&id[b]=2`;
    /// a nested object's under more brackets (`id[a][b]=1`), as Rails and Stripe read them.
    DeepObject,
}

impl QueryStyle {
    /// The delimiter of a joined style.
    fn delimiter(self) -> Option<&'static str> {
        match self {
            QueryStyle::Comma => Some(","),
            QueryStyle::Space => Some(" "),
            QueryStyle::Pipe => Some("|"),
            QueryStyle::Repeated | QueryStyle::DeepObject => None,
        }
    }

    /// The style's name, for messages.
    fn name(self) -> &'static str {
        match self {
            QueryStyle::Repeated => "repeated",
            QueryStyle::Comma => "comma",
            QueryStyle::Space => "space",
            QueryStyle::Pipe => "pipe",
            QueryStyle::DeepObject => "deepObject",
        }
    }
}

/// The pairs `value` is under `name` in `style`; why it has no such form otherwise, a sentence
/// the caller ends with what to do.
pub(crate) fn pairs(name: &str, value: Value, style: QueryStyle) -> Result<Vec<(String, String)>, String> {
    let mut out = Vec::new();
    match (value, style.delimiter()) {
        (Value::Null, _) => {}
        (Value::Object(fields), _) if style == QueryStyle::DeepObject => deep(name, fields, &mut out)?,
        (_, None) if style == QueryStyle::DeepObject => {
            return Err(format!("the query value `{name}` is not a struct or a map, which style deepObject needs"));
        }
        (Value::Array(items), None) => {
            for item in items {
                match scalar(item) {
                    Ok(Some(text)) => out.push((name.to_owned(), text)),
                    Ok(None) => {}
                    Err(()) => {
                        return Err(format!(
                            "the query value `{name}` is a list holding structs, maps or lists, which has no \
                             `{name}=value` form"
                        ));
                    }
                }
            }
        }
        (Value::Object(_), None) => {
            return Err(format!("the query value `{name}` is a struct or a map, which is not one `{name}=value` pair"));
        }
        (Value::Array(items), Some(delimiter)) => {
            let parts =
                items.into_iter().map(scalar).collect::<Result<Vec<_>, ()>>().map_err(|()| nested(name, style))?;
            out.push((name.to_owned(), parts.into_iter().flatten().collect::<Vec<_>>().join(delimiter)));
        }
        (Value::Object(fields), Some(delimiter)) => {
            let mut parts = Vec::new();
            for (key, field) in fields {
                if let Some(text) = scalar(field).map_err(|()| nested(name, style))? {
                    parts.extend([key, text]);
                }
            }
            out.push((name.to_owned(), parts.join(delimiter)));
        }
        (other, _) => out.extend(scalar(other).ok().flatten().map(|text| (name.to_owned(), text))),
    }
    Ok(out)
}

/// A string, a number or a boolean as text; `None` for null, `Err` for a list or an object.
fn scalar(value: Value) -> Result<Option<String>, ()> {
    match value {
        Value::Null => Ok(None),
        Value::String(text) => Ok(Some(text)),
        Value::Bool(flag) => Ok(Some(flag.to_string())),
        Value::Number(number) => Ok(Some(number.to_string())),
        Value::Array(_) | Value::Object(_) => Err(()),
    }
}

fn nested(name: &str, style: QueryStyle) -> String {
    format!("the query value `{name}` holds structs, maps or lists, which style {} cannot join", style.name())
}

/// `prefix[key]=value` for each field, nested objects under more brackets, nulls left out.
fn deep(prefix: &str, fields: serde_json::Map<String, Value>, out: &mut Vec<(String, String)>) -> Result<(), String> {
    for (key, field) in fields {
        let name = format!("{prefix}[{key}]");
        match field {
            Value::Object(inner) => deep(&name, inner, out)?,
            Value::Array(_) => {
                return Err(format!("the query value `{name}` is a list, which style deepObject does not define"));
            }
            other => out.extend(scalar(other).ok().flatten().map(|text| (name, text))),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::{QueryStyle, pairs};

    fn written(value: serde_json::Value, style: QueryStyle) -> Result<String, String> {
        let pairs = pairs("id", value, style)?;
        Ok(pairs.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("&"))
    }

    #[test]
    fn each_style_writes_lists_objects_and_scalars_as_openapi_defines() {
        use QueryStyle::*;
        let list = || json!([1, "b", true, null]);
        let object = || json!({"a": 1, "b": "x", "c": null});
        assert_eq!(written(list(), Repeated).unwrap(), "id=1&id=b&id=true");
        assert_eq!(written(list(), Comma).unwrap(), "id=1,b,true");
        assert_eq!(written(list(), Space).unwrap(), "id=1 b true");
        assert_eq!(written(list(), Pipe).unwrap(), "id=1|b|true");
        assert_eq!(written(object(), Comma).unwrap(), "id=a,1,b,x");
        assert_eq!(written(object(), Pipe).unwrap(), "id=a|1|b|x");
        assert_eq!(written(object(), DeepObject).unwrap(), "id[a]=1&id[b]=x");
        assert_eq!(written(json!({"a": {"b": 2}}), DeepObject).unwrap(), "id[a][b]=2");
        for style in [Repeated, Comma, Space, Pipe] {
            assert_eq!(written(json!(5), style).unwrap(), "id=5");
            assert_eq!(written(json!([]), style).unwrap(), if style == Repeated { "" } else { "id=" });
        }
        for style in [Repeated, Comma, Space, Pipe, DeepObject] {
            assert_eq!(written(json!(null), style).unwrap(), "", "None is never sent");
        }
    }

    #[test]
    fn values_a_style_has_no_form_for_are_refused_with_the_reason() {
        use QueryStyle::*;
        let refused = |value, style| written(value, style).unwrap_err();
        assert!(refused(json!({"a": 1}), Repeated).contains("is a struct or a map"));
        assert!(refused(json!([[1]]), Repeated).contains("a list holding structs, maps or lists"));
        assert!(refused(json!([{"a": 1}]), Comma).contains("which style comma cannot join"));
        assert!(refused(json!({"a": [1]}), Pipe).contains("which style pipe cannot join"));
        assert!(refused(json!([1, 2]), DeepObject).contains("not a struct or a map"));
        assert!(refused(json!("x"), DeepObject).contains("not a struct or a map"));
        assert!(refused(json!({"a": [1]}), DeepObject).contains("`id[a]` is a list"));
    }
}
